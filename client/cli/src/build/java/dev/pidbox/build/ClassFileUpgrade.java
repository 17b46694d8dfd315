package dev.pidbox.build;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * A build step of the CLI, run at package time on the executable jar (never shipped): rewrites the class files older
 * than Java 6 (picocli's are Java 5's) as Java 8 class files with stack map frames, unchanged otherwise. The JVM's
 * class data sharing refuses pre-Java-6 class files, so without this the launcher's archive holds every class a
 * command needs but picocli's, and each command spends 70 to 120 ms loading and verifying them from the jar.
 *
 * <p>{@code ClassFileUpgrade JAR PREFIX...}: only entries under one of the prefixes are touched; the jar is written
 * to a temporary file beside it and moved over it, entries in their order and the rest byte for byte.
 */
public final class ClassFileUpgrade {
    private ClassFileUpgrade() {
    }

    public static void main(String[] args) throws IOException {
        Path jar = Paths.get(args[0]);
        Path out = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int upgraded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                if (e.getName().endsWith(".class") && selected(e.getName(), args) && major(bytes) < 50) {
                    bytes = upgrade(bytes, loader);
                    upgraded++;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                zip.putNextEntry(copy);
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ClassFileUpgrade: " + upgraded + " class files of " + jar.getFileName()
                + " rewritten as Java 8 class files");
    }

    private static boolean selected(String name, String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (name.startsWith(args[i])) {
                return true;
            }
        }
        return false;
    }

    private static int major(byte[] classFile) {
        return (classFile[6] & 0xff) << 8 | classFile[7] & 0xff;
    }

    /** The class file with version 52 and frames computed; a common super class is looked up in the jar itself. */
    private static byte[] upgrade(byte[] classFile, ClassLoader jar) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return jar;
            }
        };
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }
}
