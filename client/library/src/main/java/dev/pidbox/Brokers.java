package dev.pidbox;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.SocketConfigurators;
import dev.pidbox.spi.Threads;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Opens AMQP connections the way pidbox needs them: daemon threads only (a node never keeps its host
 * alive), automatic recovery after a broker restart, heartbeats, and errors that name the broker (without
 * its password) and say what to do.
 */
public final class Brokers {
    /** The default broker, overridden by {@code PIDBOX_BROKER}: {@link Defaults#BROKER}. */
    public static final String DEFAULT_URI = Defaults.BROKER;

    private Brokers() {
    }

    /**
     * Opens a connection. Several broker nodes (a cluster) are given as URIs separated by {@code ;}, as in
     * kombu: {@code amqp://guest:guest@h1:5672/;amqp://h2:5672/}. Credentials, vhost and TLS come from the
     * first; the connection goes to the first node that answers and, when that node goes away, recovers to
     * another.
     *
     * @param uri an {@code amqp://} or {@code amqps://} URI, or several separated by {@code ;}
     * @param connectionName shown by {@code rabbitmqctl list_connections client_properties}
     * @throws IllegalArgumentException for a malformed URI
     * @throws PidboxException when the broker is unreachable or refuses the credentials
     */
    public static Connection connect(String uri, String connectionName) {
        return connect(uri, connectionName, Tls.defaults());
    }

    /**
     * {@link #connect(String, String)} with TLS settings for an {@code amqps://} URI: the CA to trust, a client
     * certificate, and with a client certificate and no password in the URI, RabbitMQ's {@code EXTERNAL} login (the
     * certificate is the credential). Host names are verified unless {@code tls-insecure} is set, which warns on
     * stderr at every connection.
     *
     * @throws IllegalArgumentException for a malformed URI, unusable TLS files, or TLS settings with {@code amqp://}
     * @throws PidboxException when the broker is unreachable, refuses the credentials, or fails the TLS checks
     */
    public static Connection connect(String uri, String connectionName, Tls tls) {
        return connect(uri, connectionName, tls, null);
    }

    /**
     * {@link #connect(String, String, Tls)}, with the connection's heartbeats sent from {@code heartbeats} instead of
     * a thread amqp-client starts for each connection (and for each connection recovery makes): for a caller with
     * other occasional work that can share that thread. The caller owns {@code heartbeats} and shuts it down after
     * the connection has closed; null means amqp-client's own thread.
     */
    public static Connection connect(String uri, String connectionName, Tls tls, ScheduledExecutorService heartbeats) {
        String[] uris = uri.split(";");
        ConnectionFactory factory = factory(uris[0].trim());
        configureTls(factory, uris[0].trim(), tls);
        if (heartbeats != null) {
            factory.setHeartbeatExecutor(heartbeats);
        }
        List<Address> addresses = new ArrayList<>();
        for (String u : uris) {
            if (u.trim().isEmpty()) {
                continue;
            }
            ConnectionFactory f = factory(u.trim());
            addresses.add(new Address(f.getHost(), f.getPort()));
        }
        try {
            return factory.newConnection(addresses, connectionName);
        } catch (AuthenticationFailureException e) {
            throw new PidboxException("broker " + redact(uri) + " refused the credentials (ACCESS_REFUSED): check the"
                    + " user and password in the URI or PIDBOX_BROKER", e);
        } catch (IOException | TimeoutException e) {
            String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            if (e.getCause() != null && e.getCause().getMessage() != null) {
                detail = e.getCause().getMessage();
            }
            String tlsProblem = tlsProblem(e, tls);
            if (tlsProblem != null) {
                throw new PidboxException("broker " + redact(uri) + ": " + tlsProblem, e);
            }
            if (detail.contains("NOT_ALLOWED") || detail.contains("vhost")) {
                throw new PidboxException("broker " + redact(uri) + " has no such virtual host or refuses it ("
                        + detail + "): check the vhost at the end of the URI (amqp://host:5672/ is vhost /)", e);
            }
            if (detail.contains("ACCESS_REFUSED")) {
                throw new PidboxException("broker " + redact(uri) + " refused access (" + detail
                        + "): check the user, password and vhost in the URI or PIDBOX_BROKER", e);
            }
            throw new PidboxException("broker unreachable at " + redact(uri) + " (" + detail
                    + "): start RabbitMQ there, or point PIDBOX_BROKER (or --broker) at a running broker", e);
        }
    }

    /** Sets up TLS for an {@code amqps://} URI (and refuses TLS settings for a plain one). */
    static void configureTls(ConnectionFactory factory, String uri, Tls tls) {
        boolean amqps = uri.regionMatches(true, 0, "amqps://", 0, 8);
        if (!amqps) {
            if (tls.configured()) {
                throw new IllegalArgumentException("TLS settings (" + tls + ") given for a plain broker URI "
                        + redact(uri) + ": use amqps://");
            }
            return;
        }
        factory.useSslProtocol(tls.sslContext());
        SocketConfigurators.Builder sockets = SocketConfigurators.builder()
                .defaultConfigurator().add(Tls::restrictProtocols);
        if (tls.insecure()) {
            System.err.println("pidbox: WARNING tls-insecure=true: the certificate of " + redact(uri) + " is not"
                    + " checked, so anyone on the network path can read and change this connection");
        } else {
            sockets.enableHostnameVerification();
        }
        factory.setSocketConfigurator(sockets.build());
        if (tls.hasClientCertificate() && !hasPassword(uri)) {
            factory.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        }
    }

    private static boolean hasPassword(String uri) {
        return passwordUser(uri) != null;
    }

    /**
     * The user of a URI that logs in with a password ({@code amqp://user:password@host/}), decoded; null when the URI
     * carries no password (then a client certificate may be the login). For several URIs, the first one's.
     */
    public static String passwordUser(String uri) {
        String first = uri.split(";")[0].trim();
        int scheme = first.indexOf("://");
        int at = first.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return null;
        }
        String info = first.substring(scheme + 3, at);
        int colon = info.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return URLDecoder.decode(info.substring(0, colon).replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** What went wrong in the TLS handshake, in words an operator can act on; null when it was not TLS. */
    static String tlsProblem(Throwable e, Tls tls) {
        StringBuilder chain = new StringBuilder();
        boolean ssl = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append(' ');
            ssl |= t instanceof SSLException;
        }
        String text = chain.toString();
        if (!ssl) {
            return null;
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return "the broker's certificate does not name the host in the URI (TLS host name verification failed: "
                    + text.trim() + "); connect by a name the certificate lists, or reissue it with that name";
        }
        if (text.contains("PKIX path") || text.contains("unable to find valid certification path")) {
            return "the broker's certificate is not signed by a CA this connection trusts (" + (tls.configured()
                    ? "tls-ca" : "the JVM's trust store; set tls-ca to the broker's CA bundle") + "): " + text.trim();
        }
        if (text.contains("bad_certificate") || text.contains("certificate_required")
                || text.contains("unknown_ca")) {
            return "the broker refused this connection's client certificate (" + text.trim() + "): check tls-cert and"
                    + " that the broker trusts its CA";
        }
        return "TLS handshake failed: " + text.trim();
    }

    /** A connection factory for {@code uri} with pidbox's settings; for callers that tune it further. */
    public static ConnectionFactory factory(String uri) {
        checkUri(uri);
        ConnectionFactory factory = new ConnectionFactory();
        // pidbox's defaults first, so that the URI's own ?heartbeat= and ?connection_timeout= override them
        factory.setRequestedHeartbeat(30);
        factory.setConnectionTimeout(5000);
        try {
            factory.setUri(uri);
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(malformed(uri), e);
        }
        if (factory.getVirtualHost() == null || factory.getVirtualHost().isEmpty()) {
            // amqp://host:5672/ and amqp://host:5672 both mean the default vhost "/", as in kombu.
            factory.setVirtualHost("/");
        }
        factory.setThreadFactory(Threads.factory("pidbox-amqp"));
        factory.setSharedExecutor(consumerExecutor());
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1000);
        factory.setHandshakeTimeout(5000);
        factory.setShutdownTimeout(2000);
        return factory;
    }

    /**
     * Checks the form of one broker URI without the broker client: the scheme ({@code amqp} or {@code amqps}), a host,
     * at most one {@code :} in the user information and at most one path segment (the vhost). {@link #factory} checks
     * this and the rest (query parameters among them); this check loads no AMQP classes, for a launcher that checks
     * options before handing them to a process that checks them fully.
     *
     * @throws IllegalArgumentException naming the problem, with the URI's password redacted
     */
    public static void checkUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(malformed(uri), e);
        }
        String scheme = parsed.getScheme();
        String info = parsed.getRawUserInfo();
        String path = parsed.getRawPath();
        if (scheme == null || !scheme.equalsIgnoreCase("amqp") && !scheme.equalsIgnoreCase("amqps")
                || info != null && info.indexOf(':') != info.lastIndexOf(':')
                || path != null && path.length() > 1 && path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException(malformed(uri));
        }
        if (parsed.getHost() == null || parsed.getRawFragment() != null || parsed.getRawQuery() != null
                && info == null && uri.lastIndexOf('@') > uri.indexOf('?')) {
            throw new IllegalArgumentException("no host in broker URI '" + redact(uri)
                    + "': percent-encode # / ? @ in the user or password (for example # as %23)");
        }
    }

    private static String malformed(String uri) {
        return "invalid broker URI '" + redact(uri) + "': expected amqp://user:password@host:port/vhost";
    }

    /** How long an idle consumer thread lives before it ends. */
    static final long CONSUMER_THREAD_KEEP_ALIVE_MILLIS = 2000;

    /**
     * The executor that runs consumer callbacks (deliveries) for the connections of one factory. amqp-client's
     * default is a fixed pool of 2 x cores threads per connection that never end; this one starts threads on
     * demand (at most 2 x cores, at least 2) and ends each after {@link #CONSUMER_THREAD_KEEP_ALIVE_MILLIS}
     * idle, so an idle node holds no consumer thread and a closed connection leaves none behind. Callbacks of
     * one channel still run in order (amqp-client hands a channel's work to one task at a time).
     */
    static ThreadPoolExecutor consumerExecutor() {
        int threads = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
        return Threads.pool("pidbox-amqp-consumer", threads, -1, CONSUMER_THREAD_KEEP_ALIVE_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * The URI with its password replaced by {@code ***}, for messages and logs. Works on the text, so a
     * password holding unencoded {@code # / ? @} is hidden too.
     */
    public static String redact(String uri) {
        if (uri == null) {
            return "null";
        }
        if (uri.contains(";")) {
            List<String> parts = new ArrayList<>();
            for (String part : uri.split(";", -1)) {
                parts.add(redact(part));
            }
            return String.join(";", parts);
        }
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return uri;
        }
        String info = uri.substring(scheme + 3, at);
        int colon = info.indexOf(':');
        if (colon < 0) {
            return uri;
        }
        return uri.substring(0, scheme + 3) + info.substring(0, colon) + ":***" + uri.substring(at);
    }
}
