package dev.pidbox.agent.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HotSpot's attach protocol spoken directly over its UNIX domain socket: the launcher's way to attach on
 * Linux with Java 16+ (UNIX domain socket channels), a JRE without the jdk.attach module included. It is
 * also faster than the JDK's attach API (fewer classes, no fixed 100 ms sleep). The steps are HotSpot's
 * own: find or trigger the target's {@code .java_pid<pid>} socket (an {@code .attach_pid<pid>} file plus SIGQUIT), then send one request.
 */
final class HotSpotAttach {
    private static final int SIGQUIT = 3;

    private HotSpotAttach() {
    }

    /** Whether this JVM can speak the protocol: Java 16+ on Linux. */
    static boolean available() {
        try {
            Class.forName("java.net.UnixDomainSocketAddress");
            return Files.isDirectory(Paths.get("/proc/self"));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Loads a Java agent jar into {@code pid} with {@code options}. */
    static void load(String pid, String jar, String options) throws IOException {
        String response = execute(pid, "load", "instrument", "false", options == null || options.isEmpty() ? jar
                : jar + "=" + options);
        String code = response.replaceAll("(?s).*?(-?\\d+)\\s*$", "$1");
        if (!code.equals("0")) {
            throw new IOException("the target JVM refused to load the agent (" + response.trim() + ")");
        }
    }

    /** The target's system properties. */
    static Map<String, String> properties(String pid) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(execute(pid, "properties", "", "", "")));
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            out.put(key, p.getProperty(key));
        }
        return out;
    }

    private static String execute(String pid, String command, String a1, String a2, String a3) throws IOException {
        Path socket = socketOf(pid);
        try (SocketChannel ch = open(socket)) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            for (String part : new String[] {"1", command, a1, a2, a3}) {
                request.write(part.getBytes(StandardCharsets.UTF_8));
                request.write(0);
            }
            ByteBuffer out = ByteBuffer.wrap(request.toByteArray());
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (ch.read(in) >= 0) {
                in.flip();
                reply.write(in.array(), 0, in.limit());
                in.clear();
            }
            String text = reply.toString("UTF-8");
            int nl = text.indexOf('\n');
            String status = (nl < 0 ? text : text.substring(0, nl)).trim();
            if (!status.equals("0")) {
                throw new IOException("the target JVM answered " + command + " with status " + status + ": "
                        + (nl < 0 ? "" : text.substring(nl + 1).trim()));
            }
            return nl < 0 ? "" : text.substring(nl + 1);
        }
    }

    private static SocketChannel open(Path socket) throws IOException {
        try {
            Class<?> addressClass = Class.forName("java.net.UnixDomainSocketAddress");
            Method of = addressClass.getMethod("of", Path.class);
            SocketAddress address = (SocketAddress) of.invoke(null, socket);
            SocketChannel ch = unixChannel();
            try {
                ch.connect(address);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            return ch;
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw reflectionFailure(e);
        }
    }

    /** What a reflective call to the UNIX socket API threw, as the IOException it was or one saying why. */
    private static IOException reflectionFailure(Exception e) {
        Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
        return cause instanceof IOException ? (IOException) cause
                : new IOException("UNIX domain sockets need Java 16 or later: " + cause, cause);
    }

    /** An unconnected UNIX domain socket channel (reflection: this class compiles for Java 11). */
    private static SocketChannel unixChannel() throws IOException {
        try {
            ProtocolFamily unix = StandardProtocolFamily.valueOf("UNIX");
            Method openChannel = SocketChannel.class.getMethod("open", ProtocolFamily.class);
            return (SocketChannel) openChannel.invoke(null, unix);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw reflectionFailure(e);
        }
    }

    /**
     * Starts the target's attach listener now, so that a later request finds its socket open (the launcher does this
     * while it checks the options: the signal, HotSpot's listener start and the checks then overlap).
     */
    static void open(String pid) throws IOException {
        // The first UNIX socket channel of a JVM initialises the JDK's UNIX socket support (a SecureRandom among it):
        // 20 to 50 ms, done on a thread of its own while the target starts its listener, not after.
        Thread warm = new Thread(() -> {
            try {
                unixChannel().close();
            } catch (IOException e) {
                // the load that follows reports it
            }
        }, "pidbox-attach-warm");
        warm.setDaemon(true);
        warm.start();
        socketOf(pid);
        try {
            warm.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The target's attach socket, started on demand as HotSpot expects. */
    private static Path socketOf(String pid) throws IOException {
        String nspid = namespacePid(pid);
        Path tmp = Paths.get("/proc", pid, "root", "tmp");
        Path socket = tmp.resolve(".java_pid" + nspid);
        if (Files.exists(socket)) {
            return checked(socket);
        }
        Path trigger = Paths.get("/proc", pid, "cwd", ".attach_pid" + nspid);
        try {
            Files.createFile(trigger);
        } catch (IOException e) {
            trigger = tmp.resolve(".attach_pid" + nspid);
            Files.deleteIfExists(trigger);
            Files.createFile(trigger);
        }
        try {
            long start = System.nanoTime();
            awaitQuitHandler(pid, start + TimeUnit.SECONDS.toNanos(10));
            quit(pid);
            // HotSpot opens the socket a few milliseconds after the signal. Poll briefly at first (the JDK's own
            // attach sleeps 100 ms before its first look), then back off; signal once more half-way, as the JDK does.
            long end = start + TimeUnit.SECONDS.toNanos(10);
            boolean resent = false;
            long pause = 1;
            while (!Files.exists(socket)) {
                long now = System.nanoTime();
                if (now > end) {
                    throw new IOException("JVM " + pid + " opened no attach socket within 10 s");
                }
                if (!resent && now - start > TimeUnit.SECONDS.toNanos(5)) {
                    resent = true;
                    quit(pid);
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 50);
            }
            return checked(socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for JVM " + pid);
        } finally {
            Files.deleteIfExists(trigger);
        }
    }

    private static void quit(String pid) throws IOException, InterruptedException {
        Process kill;
        try {
            kill = new ProcessBuilder("kill", "-QUIT", pid).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run kill to signal process " + pid + " (no kill command on the PATH?): "
                    + e.getMessage(), e);
        }
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("cannot signal process " + pid + " (kill -QUIT failed)");
        }
    }

    /**
     * Whether a {@code kill} command is on the PATH: the protocol sends its SIGQUIT with it (Java has no call that
     * signals another process so). Without one, the launcher takes the JDK's attach API, which signals natively.
     * Looked up once per launcher.
     */
    static boolean killOnPath() {
        return KillCommand.ON_PATH;
    }

    private static final class KillCommand {
        static final boolean ON_PATH = find();

        private static boolean find() {
            String path = System.getenv("PATH");
            if (path == null) {
                return false;
            }
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "kill"))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Waits until {@code pid} handles SIGQUIT, as the JDK's own attach does since Java 21: a JVM that has not yet
     * installed its handlers (one just starting) would be ended by the signal, not start its attach listener.
     */
    private static void awaitQuitHandler(String pid, long deadline) throws IOException, InterruptedException {
        while (!catchesQuit(pid)) {
            if (NO_QUIT_HANDLER.contains(pid) || System.nanoTime() > deadline) {
                // once per launcher: the load after a prepare that waited in vain says so at once, not 10 s later
                NO_QUIT_HANDLER.add(pid);
                throw new IOException("JVM " + pid + " does not handle SIGQUIT (a JVM still starting, or one whose"
                        + " signals are taken by its host); the signal that starts HotSpot's attach listener would end"
                        + " it, so it was not sent");
            }
            Thread.sleep(5);
        }
    }

    /** The JVMs this launcher waited on in vain for a SIGQUIT handler. */
    private static final Set<String> NO_QUIT_HANDLER = ConcurrentHashMap.newKeySet();

    /**
     * Whether {@code pid} catches SIGQUIT ({@code SigCgt} in {@code /proc/<pid>/status}); true when that cannot be
     * read, as before this check.
     */
    static boolean catchesQuit(String pid) {
        String mask = statusField(pid, "SigCgt:");
        try {
            return mask == null || (Long.parseUnsignedLong(mask, 16) & (1L << (SIGQUIT - 1))) != 0;
        } catch (NumberFormatException e) {
            return true; // unknown: signal as before
        }
    }

    /**
     * Refuses a socket that is not the target's own: it must be a socket owned by this user (or this user must
     * be root, as HotSpot allows) and writable by no one else, as the JDK's attach requires. Otherwise another
     * user could plant one in /tmp and read the agent options (a broker password among them).
     */
    private static Path checked(Path socket) throws IOException {
        Map<String, Object> a = Files.readAttributes(socket, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int owner = ((Number) a.get("uid")).intValue();
        int mode = ((Number) a.get("mode")).intValue();
        int me = ((Number) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")).intValue();
        if ((mode & 0170000) != 0140000) {
            throw new IOException(socket + " is not a socket; refusing to attach through it");
        }
        if (owner != me && me != 0) {
            throw new IOException(socket + " belongs to uid " + owner + ", not to this user (uid " + me
                    + "); refusing to attach through it");
        }
        if ((mode & 0022) != 0) {
            throw new IOException(socket + " is writable by group or others (mode " + Integer.toOctalString(mode & 0777)
                    + "); refusing to attach through it");
        }
        return socket;
    }

    /** The pid as the target sees it (the last NSpid entry), for a JVM in another PID namespace. */
    private static String namespacePid(String pid) {
        String nspid = statusField(pid, "NSpid:");
        if (nspid == null || nspid.isEmpty()) {
            return pid;
        }
        String[] parts = nspid.split("\\s+");
        return parts[parts.length - 1];
    }

    /** The value of one field of {@code /proc/<pid>/status}, trimmed, or null when it cannot be read. */
    private static String statusField(String pid, String field) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", pid, "status"), StandardCharsets.UTF_8)) {
                if (line.startsWith(field)) {
                    return line.substring(field.length()).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: the callers fall back
        }
        return null;
    }
}
