package dev.pidbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How a connection to an {@code amqps://} broker proves who the broker is and, optionally, who we are: a CA bundle
 * to trust (PEM; by default the JVM's own trust store), a client certificate with its key (PEM pair, or one PKCS#12
 * file) that RabbitMQ can also take as the login (SASL {@code EXTERNAL}, no password), host name verification (on),
 * TLS 1.3 and 1.2 only. Built per connection from files: nothing here reads or changes a JVM-wide
 * {@code javax.net.ssl.*} property, so an agent inside someone else's JVM leaves its security settings alone.
 *
 * <p>The same keys configure the agent ({@code tls-ca=...}), the CLI ({@code --tls-ca}, {@code PIDBOX_TLS_CA}, config
 * key {@code tls-ca}) and the library ({@link #fromConfig(Function)}).
 */
public final class Tls {
    /** The option keys, as the agent and the CLI's config file spell them. */
    public static final String CA = "tls-ca";
    public static final String CERT = "tls-cert";
    public static final String KEY = "tls-key";
    public static final String KEY_PASSWORD_FILE = "tls-key-password-file";
    public static final String INSECURE = "tls-insecure";

    private static final List<String> PROTOCOLS = Arrays.asList("TLSv1.3", "TLSv1.2");

    private final Path ca;
    private final Path cert;
    private final Path key;
    private final Path keyPasswordFile;
    private final boolean insecure;

    private Tls(Path ca, Path cert, Path key, Path keyPasswordFile, boolean insecure) {
        this.ca = ca;
        this.cert = cert;
        this.key = key;
        this.keyPasswordFile = keyPasswordFile;
        this.insecure = insecure;
    }

    /** The JVM's trust store, no client certificate: what an {@code amqps://} URI gets when nothing is configured. */
    public static Tls defaults() {
        return new Tls(null, null, null, null, false);
    }

    /**
     * Reads the keys {@link #CA}, {@link #CERT}, {@link #KEY}, {@link #KEY_PASSWORD_FILE} and {@link #INSECURE} from a
     * configuration (null for unset).
     *
     * @throws IllegalArgumentException for a key without a certificate, or a value that is not {@code true/false}
     */
    public static Tls fromConfig(Function<String, String> config) {
        Path ca = path(config.apply(CA));
        Path cert = path(config.apply(CERT));
        Path key = path(config.apply(KEY));
        Path password = path(config.apply(KEY_PASSWORD_FILE));
        String insecure = config.apply(INSECURE);
        if (insecure != null && !insecure.equals("true") && !insecure.equals("false")) {
            throw new IllegalArgumentException(INSECURE + " must be true or false, got '" + insecure + "'");
        }
        if (key != null && cert == null) {
            throw new IllegalArgumentException(KEY + " needs " + CERT + " (the client certificate the key belongs to)");
        }
        if (cert != null && key == null && !isPkcs12(cert)) {
            throw new IllegalArgumentException(CERT + " " + cert + " is PEM, so " + KEY + " must name its private key"
                    + " (or give one PKCS#12 file, .p12 or .pfx, holding both)");
        }
        return new Tls(ca, cert, key, password, "true".equals(insecure));
    }

    private static Path path(String value) {
        return value == null || value.trim().isEmpty() ? null : Paths.get(value.trim());
    }

    private static boolean isPkcs12(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    /** Whether any TLS setting was given (an {@code amqp://} URI with one is a mistake worth naming). */
    public boolean configured() {
        return ca != null || cert != null || insecure;
    }

    /** Whether a client certificate is configured (RabbitMQ may then take it as the login). */
    public boolean hasClientCertificate() {
        return cert != null;
    }

    /**
     * The CN of the client certificate's subject (RabbitMQ's user under certificate login with
     * {@code ssl_cert_login_from = common_name}), or null without a client certificate.
     */
    public String clientCommonName() {
        if (cert == null) {
            return null;
        }
        try {
            KeyStore store = clientKeyStore(isPkcs12(cert) ? password() : new char[0]);
            for (String alias : Collections.list(store.aliases())) {
                Certificate c = store.getCertificate(alias);
                if (store.isKeyEntry(alias) && c instanceof X509Certificate) {
                    for (String part : ((X509Certificate) c).getSubjectX500Principal().getName().split(",")) {
                        if (part.trim().startsWith("CN=")) {
                            return part.trim().substring(3);
                        }
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + CERT + " " + cert + ": " + e.getMessage(), e);
        }
        return null;
    }

    /** Whether certificate checks are off (only with {@code tls-insecure=true}). */
    public boolean insecure() {
        return insecure;
    }

    /** The enabled protocols of a socket: TLS 1.3 and 1.2 among those the JVM supports. */
    static void restrictProtocols(Socket socket) {
        if (socket instanceof SSLSocket) {
            SSLSocket s = (SSLSocket) socket;
            List<String> enabled = new ArrayList<>();
            for (String p : s.getSupportedProtocols()) {
                if (PROTOCOLS.contains(p)) {
                    enabled.add(p);
                }
            }
            s.setEnabledProtocols(enabled.toArray(new String[0]));
        }
    }

    /**
     * The TLS context these settings describe.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(), trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException {
        if (insecure) {
            return new TrustManager[] {new TrustEverything()};
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (ca == null) {
            tmf.init((KeyStore) null); // the JVM's own trust store
            return tmf.getTrustManagers();
        }
        Collection<? extends Certificate> certificates = certificates(ca, CA);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (Certificate c : certificates) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        tmf.init(store);
        return tmf.getTrustManagers();
    }

    private KeyManager[] keyManagers() throws GeneralSecurityException {
        if (cert == null) {
            return null;
        }
        char[] password = isPkcs12(cert) ? password() : new char[0];
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(clientKeyStore(password), password);
        return kmf.getKeyManagers();
    }

    /** The client certificate and its key as a key store: the PKCS#12 file, or one made from the PEM pair. */
    private KeyStore clientKeyStore(char[] password) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        if (isPkcs12(cert)) {
            try (InputStream in = Files.newInputStream(cert)) {
                store.load(in, password);
            } catch (IOException e) {
                throw new IllegalArgumentException(CERT + " " + cert + " is not a readable PKCS#12 file (or "
                        + KEY_PASSWORD_FILE + " holds the wrong password): " + e.getMessage(), e);
            }
            return store;
        }
        Collection<? extends Certificate> chain = certificates(cert, CERT);
        PrivateKey privateKey = privateKey(key);
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        store.setKeyEntry("client", privateKey, password, chain.toArray(new Certificate[0]));
        return store;
    }

    private char[] password() {
        if (keyPasswordFile == null) {
            return new char[0];
        }
        try {
            return new String(Files.readAllBytes(keyPasswordFile), StandardCharsets.UTF_8).trim().toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + KEY_PASSWORD_FILE + " " + keyPasswordFile + ": " + e, e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path file, String option) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(option + " " + file + " holds no certificate (expected PEM,"
                        + " -----BEGIN CERTIFICATE-----)");
            }
            return certs;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + option + " " + file + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(option + " " + file + " holds no readable X.509 certificate: "
                    + e.getMessage(), e);
        }
    }

    /** An unencrypted PKCS#8 PEM key (RSA, EC or Ed25519). */
    static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + KEY + " " + file + ": " + e, e);
        }
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException(KEY + " " + file + " is not an unencrypted PKCS#8 key; convert it with"
                    + " `openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem`, or give a PKCS#12 file as "
                    + CERT);
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(KEY + " " + file + " holds no PEM private key (-----BEGIN PRIVATE"
                    + " KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm
            }
        }
        throw new IllegalArgumentException(KEY + " " + file + " holds a key that is neither RSA, EC nor Ed25519");
    }

    /** Accepts any certificate: only behind {@code tls-insecure=true}, which warns on every connection. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Override
    public String toString() {
        return "Tls{ca=" + (ca == null ? "JVM trust store" : ca) + ", cert=" + cert + ", insecure=" + insecure + "}";
    }
}
