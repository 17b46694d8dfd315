package dev.pidbox.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public keys a node trusts, and the check of a signed request: known key, valid signature, not
 * expired, not replayed (a nonce is accepted once while its request is valid). A node holds no private
 * key, so a compromised node cannot command the fleet.
 */
public final class TrustedKeys {
    /** The longest validity a request may claim; bounds the replay cache. */
    public static final long MAX_VALIDITY_MILLIS = 10 * 60 * 1000L;
    /** The most nonces remembered at once; beyond that, new requests are refused until old ones expire. */
    public static final int MAX_NONCES = 200_000;

    private static final Pattern NAME = Pattern.compile("^#\\s*pidbox key (\\S+)", Pattern.MULTILINE);

    /** A trusted key and its name (from the {@code # pidbox key NAME} comment, else its id). */
    public static final class Trusted {
        public final String id;
        public final String name;
        final PublicKey key;

        Trusted(String id, String name, PublicKey key) {
            this.id = id;
            this.name = name;
            this.key = key;
        }
    }

    /** The outcome of a check: the key that signed, or why the request is refused. */
    public static final class Verdict {
        private final Trusted key;
        private final String refusal;

        private Verdict(Trusted key, String refusal) {
            this.key = key;
            this.refusal = refusal;
        }

        public boolean accepted() {
            return refusal == null;
        }

        /** The signing key, when accepted. */
        public Trusted key() {
            return key;
        }

        /** Why refused, e.g. {@code unsigned request}; null when accepted. */
        public String refusal() {
            return refusal;
        }
    }

    private final Map<String, Trusted> byId;
    private final Map<String, Long> nonces = new ConcurrentHashMap<>();
    private final String brokenReason;

    private TrustedKeys(Map<String, Trusted> byId) {
        this(byId, null);
    }

    private TrustedKeys(Map<String, Trusted> byId, String brokenReason) {
        this.byId = Collections.unmodifiableMap(byId);
        this.brokenReason = brokenReason;
    }

    /**
     * Keys that trust nobody, for a node whose key file could not be read: it fails closed and refuses
     * every request, saying why.
     */
    public static TrustedKeys refuseAll(String reason) {
        return new TrustedKeys(new LinkedHashMap<String, Trusted>(), reason);
    }

    /** Reads a PEM file of public keys (as {@code pidbox keygen} writes them; several may be concatenated). */
    public static TrustedKeys load(Path file) throws IOException {
        return parse(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII), file.toString());
    }

    public static TrustedKeys parse(String pemText, String source) {
        Map<String, Trusted> byId = new LinkedHashMap<>();
        String begin = "-----BEGIN PUBLIC KEY-----";
        int from = 0;
        int b;
        while ((b = pemText.indexOf(begin, from)) >= 0) {
            int end = pemText.indexOf("-----END PUBLIC KEY-----", b);
            if (end < 0) {
                throw new IllegalArgumentException(source + ": unterminated public key");
            }
            String before = pemText.substring(from, b);
            String name = null;
            Matcher m = NAME.matcher(before);
            while (m.find()) {
                name = m.group(1);
            }
            byte[] der = Base64.getDecoder().decode(pemText.substring(b + begin.length(), end).replaceAll("\\s", ""));
            PublicKey key = Keys.publicKey(der, source);
            String id = Keys.keyId(key);
            byId.put(id, new Trusted(id, name == null ? id : name, key));
            from = end + 1;
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no public key (-----BEGIN PUBLIC KEY-----)");
        }
        return new TrustedKeys(byId);
    }

    public Map<String, Trusted> keys() {
        return byId;
    }

    /** Checks a request's signature headers against its raw body. */
    public Verdict verify(String namespace, byte[] body, Map<String, Object> headers, long nowMillis) {
        if (brokenReason != null) {
            return new Verdict(null, brokenReason);
        }
        Object keyId = headers == null ? null : headers.get(Signer.HEADER_KEY);
        Object sig = headers == null ? null : headers.get(Signer.HEADER_SIGNATURE);
        if (keyId == null || sig == null) {
            return new Verdict(null, "unsigned request");
        }
        Trusted trusted = byId.get(keyId.toString());
        if (trusted == null) {
            return new Verdict(null, "unknown key " + keyId);
        }
        Object nonceObj = headers.get(Signer.HEADER_NONCE);
        Object expiresObj = headers.get(Signer.HEADER_EXPIRES);
        if (nonceObj == null || !(expiresObj instanceof Number)) {
            return new Verdict(null, "signature headers incomplete");
        }
        String nonce = nonceObj.toString();
        long expires = ((Number) expiresObj).longValue();
        boolean valid;
        try {
            Signature s = Signature.getInstance(Keys.Algorithm.of(trusted.key).signatureAlgorithm);
            s.initVerify(trusted.key);
            s.update(Signer.payload(namespace, trusted.id, nonce, expires, body));
            valid = s.verify(Base64.getDecoder().decode(sig.toString()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            return new Verdict(null, "bad signature for key " + trusted.name);
        }
        if (nowMillis > expires) {
            return new Verdict(null, "expired " + (nowMillis - expires) + " ms ago");
        }
        if (expires - nowMillis > MAX_VALIDITY_MILLIS) {
            return new Verdict(null, "expiry too far ahead (more than " + MAX_VALIDITY_MILLIS / 1000 + " s)");
        }
        purge(nowMillis);
        if (nonces.size() >= MAX_NONCES) {
            return new Verdict(null, "too many requests in the replay window; try again later");
        }
        if (nonces.putIfAbsent(nonce, expires) != null) {
            return new Verdict(null, "replayed request (nonce seen before)");
        }
        return new Verdict(trusted, null);
    }

    private volatile long lastPurge;

    private void purge(long now) {
        if (nonces.size() < 1024 || now - lastPurge < 1000) {
            return;
        }
        lastPurge = now;
        for (Iterator<Map.Entry<String, Long>> it = nonces.entrySet().iterator(); it.hasNext();) {
            if (it.next().getValue() < now) {
                it.remove();
            }
        }
    }
}
