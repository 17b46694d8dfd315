package dev.pidbox.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Key pairs for signed commands, in PEM files: a controller keeps the private key (PKCS#8), nodes hold
 * only public keys (X.509 SubjectPublicKeyInfo). ECDSA P-256 works on every Java from 11; Ed25519 where
 * the JVM has it (15+). A key's id is the first 16 hex digits of the SHA-256 of its public key.
 */
public final class Keys {
    /** The algorithms pidbox signs with. */
    public enum Algorithm {
        /** ECDSA on P-256 with SHA-256; available on Java 11. */
        EC_P256("EC", "SHA256withECDSA"),
        /** Ed25519; Java 15 and later. */
        ED25519("Ed25519", "Ed25519");

        final String keyAlgorithm;
        final String signatureAlgorithm;

        Algorithm(String keyAlgorithm, String signatureAlgorithm) {
            this.keyAlgorithm = keyAlgorithm;
            this.signatureAlgorithm = signatureAlgorithm;
        }

        public static Algorithm parse(String name) {
            String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
            if (n.equals("ec") || n.equals("ecdsa") || n.equals("p256") || n.equals("ecp256") || n.equals("ecdsap256")) {
                return EC_P256;
            }
            if (n.equals("ed25519") || n.equals("eddsa")) {
                return ED25519;
            }
            throw new IllegalArgumentException("unknown key algorithm '" + name + "' (use ec-p256 or ed25519)");
        }

        static Algorithm of(Key key) {
            String a = key.getAlgorithm();
            if (a.equals("EC")) {
                return EC_P256;
            }
            if (a.equals("Ed25519") || a.equals("EdDSA")) {
                return ED25519;
            }
            throw new IllegalArgumentException("unsupported key algorithm " + a + " (use EC P-256 or Ed25519)");
        }
    }

    private Keys() {
    }

    /** A new key pair. */
    public static KeyPair generate(Algorithm algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.keyAlgorithm);
            if (algorithm == Algorithm.EC_P256) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " keys are not available on this JVM ("
                    + System.getProperty("java.version") + "): " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code <name>.key} (private, mode 600 where the file system allows) and {@code <name>.pub}
     * into {@code dir}; refuses to overwrite.
     */
    public static KeyPair writeKeyPair(Path dir, String name, Algorithm algorithm) throws IOException {
        Path priv = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        if (Files.exists(priv) || Files.exists(pub)) {
            throw new IllegalArgumentException(priv + " or " + pub + " already exists; choose another name or directory");
        }
        KeyPair pair = generate(algorithm);
        Files.createDirectories(dir);
        Files.write(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        try {
            Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.write(pub, ("# pidbox key " + name + " id " + keyId(pair.getPublic()) + "\n"
                + new String(pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII));
        return pair;
    }

    /** The id of a public key: 16 hex digits of its SHA-256. */
    public static String keyId(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", d[i]));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads a PKCS#8 PEM private key (EC or Ed25519). */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        List<byte[]> blocks = pemBlocks(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII), "PRIVATE KEY");
        if (blocks.size() != 1) {
            throw new IllegalArgumentException(file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
        }
        for (Algorithm a : Algorithm.values()) {
            try {
                return KeyFactory.getInstance(a.keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + " holds a private key that is neither EC nor Ed25519 (or this JVM"
                + " lacks Ed25519)");
    }

    /** Reads every public key in a PEM file (several may follow one another), with the name comments. */
    public static List<PublicKey> readPublicKeys(String pemText, String source) {
        List<PublicKey> out = new ArrayList<>();
        for (byte[] der : pemBlocks(pemText, "PUBLIC KEY")) {
            out.add(publicKey(der, source));
        }
        return out;
    }

    static PublicKey publicKey(byte[] der, String source) {
        for (Algorithm a : Algorithm.values()) {
            try {
                return KeyFactory.getInstance(a.keyAlgorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(source + " holds a public key that is neither EC nor Ed25519");
    }

    static List<byte[]> pemBlocks(String text, String type) {
        List<byte[]> out = new ArrayList<>();
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = 0;
        while (true) {
            int b = text.indexOf(begin, from);
            if (b < 0) {
                return out;
            }
            int e = text.indexOf(end, b);
            if (e < 0) {
                throw new IllegalArgumentException("unterminated PEM block " + begin);
            }
            String body = text.substring(b + begin.length(), e).replaceAll("\\s", "");
            out.add(Base64.getDecoder().decode(body));
            from = e + end.length();
        }
    }
}
