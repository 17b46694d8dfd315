package dev.pidbox.cli;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.ExchangeType;
import dev.pidbox.Mailbox;
import dev.pidbox.PidboxException;
import dev.pidbox.Tls;
import dev.pidbox.fleet.Fleet;
import dev.pidbox.security.ReplyUsers;
import dev.pidbox.security.Signer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** One CLI run's connection and mailbox, and the library's fleet operations over them. */
final class Session implements AutoCloseable {
    final String uri;
    final String namespace;
    final Connection connection;
    final Mailbox mailbox;
    final Fleet fleet;
    /** Makes a mailbox of another namespace on this connection, with the same type, key and checks. */
    private final Function<String, Mailbox> mailboxes;
    private final List<Mailbox> extra = new ArrayList<>();

    private Session(String uri, String namespace, Connection connection, Function<String, Mailbox> mailboxes) {
        this.uri = uri;
        this.namespace = namespace;
        this.connection = connection;
        this.mailboxes = mailboxes;
        this.mailbox = mailboxes.apply(namespace);
        this.fleet = Fleet.of(mailbox);
    }

    /** A mailbox of {@code other} namespace on this session's connection, closed with the session. */
    synchronized Mailbox mailbox(String other) {
        if (other.equals(namespace)) {
            return mailbox;
        }
        Mailbox m = mailboxes.apply(other);
        extra.add(m);
        return m;
    }

    /**
     * Connects with the resolved settings.
     *
     * @throws PidboxException when the broker is unreachable or refuses access (exit 4)
     * @throws IllegalArgumentException for a malformed URI or type (exit 2)
     */
    static Session open(Settings settings, Options.Broker flags, PrintWriter err) {
        String uri = settings.broker(flags.broker);
        String namespace = settings.namespace(flags.namespace);
        ExchangeType type = ExchangeType.fromWireName(settings.type(flags.type));
        String key = settings.key(flags.key);
        Signer signer = null;
        if (key != null) {
            try {
                signer = Signer.load(Paths.get(key));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read key " + key + ": " + e.getMessage(), e);
            }
        }
        boolean routed = settings.routed(flags.routed);
        String replyUsersFile = settings.replyUsers(flags.replyUsers);
        ReplyUsers replyUsers = replyUsersFile == null ? null : ReplyUsers.load(Paths.get(replyUsersFile));
        Tls tls = settings.tls(flags.tlsCa, flags.tlsCert, flags.tlsKey, flags.tlsKeyPasswordFile, flags.tlsInsecure);
        Connection early = EarlyConnect.take(flags);
        Connection connection = early != null ? early : Brokers.connect(uri, "pidbox-cli", tls);
        try {
            Signer signing = signer;
            Function<String, Mailbox> mailboxes = ns -> Mailbox.builder(ns).type(type).signer(signing).routed(routed)
                    .replyUsers(replyUsers)
                    .errorSink((message, cause) -> {
                        err.println("pidbox: " + message);
                        err.flush();
                    })
                    .build().bind(connection);
            return new Session(uri, namespace, connection, mailboxes);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public void close() {
        boolean blocked = mailbox.isBlocked();
        List<Mailbox> all;
        synchronized (this) {
            all = new ArrayList<>(extra);
        }
        all.add(mailbox);
        for (Mailbox m : all) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        if (blocked) {
            // The broker reads nothing from a blocked connection: a clean close would wait; end it within a second.
            connection.abort(1000);
            return;
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close(2000);
        } catch (Exception e) {
            // already closed or broker gone
        }
    }
}
