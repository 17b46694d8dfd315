package dev.pidbox.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs requests with a controller's private key. The signature rides in extra AMQP headers that kombu
 * and Celery ignore, and covers the namespace, the key id, a nonce, an expiry and the SHA-256 of the
 * body, which holds the method, arguments, selectors, ticket and reply_to. Thread-safe.
 */
public final class Signer {
    public static final String HEADER_KEY = "x-pidbox-key";
    public static final String HEADER_NONCE = "x-pidbox-nonce";
    public static final String HEADER_EXPIRES = "x-pidbox-expires";
    public static final String HEADER_SIGNATURE = "x-pidbox-sig";
    public static final String HEADER_ALGORITHM = "x-pidbox-alg";
    static final String VERSION = "pidbox-sig-v1";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey privateKey;
    private final String keyId;
    private final Keys.Algorithm algorithm;

    public Signer(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.keyId = Keys.keyId(publicKey);
        this.algorithm = Keys.Algorithm.of(privateKey);
    }

    /**
     * Loads {@code <prefix>.key} and {@code <prefix>.pub} as written by {@code pidbox keygen}; a path ending in
     * {@code .key} is taken as the private key with its {@code .pub} beside it.
     */
    public static Signer load(Path keyFileOrPrefix) throws IOException {
        String p = keyFileOrPrefix.toString();
        String prefix = p.endsWith(".key") ? p.substring(0, p.length() - 4) : p;
        Path priv = Path.of(prefix + ".key");
        Path pub = Path.of(prefix + ".pub");
        if (!Files.isReadable(priv)) {
            throw new IllegalArgumentException("cannot read private key " + priv + " (make one with `pidbox keygen`)");
        }
        if (!Files.isReadable(pub)) {
            throw new IllegalArgumentException("cannot read public key " + pub + " next to " + priv);
        }
        List<PublicKey> keys = Keys.readPublicKeys(new String(Files.readAllBytes(pub), StandardCharsets.US_ASCII),
                pub.toString());
        if (keys.size() != 1) {
            throw new IllegalArgumentException(pub + " must hold exactly one public key");
        }
        return new Signer(Keys.readPrivateKey(priv), keys.get(0));
    }

    public String keyId() {
        return keyId;
    }

    /**
     * The headers that sign {@code body} for {@code namespace} until {@code expiresEpochMillis}.
     */
    public Map<String, Object> sign(String namespace, byte[] body, long expiresEpochMillis) {
        byte[] nonceBytes = new byte[16];
        RANDOM.nextBytes(nonceBytes);
        StringBuilder nonce = new StringBuilder();
        for (byte b : nonceBytes) {
            nonce.append(String.format("%02x", b));
        }
        byte[] payload = payload(namespace, keyId, nonce.toString(), expiresEpochMillis, body);
        try {
            Signature s = Signature.getInstance(algorithm.signatureAlgorithm);
            s.initSign(privateKey);
            s.update(payload);
            Map<String, Object> headers = new HashMap<>();
            headers.put(HEADER_KEY, keyId);
            headers.put(HEADER_NONCE, nonce.toString());
            headers.put(HEADER_EXPIRES, expiresEpochMillis);
            headers.put(HEADER_ALGORITHM, algorithm.signatureAlgorithm);
            headers.put(HEADER_SIGNATURE, Base64.getEncoder().encodeToString(s.sign()));
            return headers;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }

    /** What is signed: version, namespace, key id, nonce, expiry and the body's SHA-256, one per line. */
    static byte[] payload(String namespace, String keyId, String nonce, long expires, byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String text = VERSION + "\n" + namespace + "\n" + keyId + "\n" + nonce + "\n" + expires + "\n"
                    + Base64.getEncoder().encodeToString(digest);
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns only the key id, so the private key never appears in logs. */
    @Override
    public String toString() {
        return "Signer{key=" + keyId + ", " + algorithm + "}";
    }
}
