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

/** One CLI run's connection and mailbox, and the library's fleet operations over them. */
final class Session implements AutoCloseable {
    final String uri;
    final String namespace;
    final Connection connection;
    final Mailbox mailbox;
    final Fleet fleet;

    private Session(String uri, String namespace, Connection connection, Mailbox mailbox) {
        this.uri = uri;
        this.namespace = namespace;
        this.connection = connection;
        this.mailbox = mailbox;
        this.fleet = Fleet.of(mailbox);
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
        Connection connection = Brokers.connect(uri, "pidbox-cli", tls);
        try {
            Mailbox mailbox = Mailbox.builder(namespace).type(type).signer(signer).routed(routed).replyUsers(replyUsers)
                    .errorSink((message, cause) -> {
                        err.println("pidbox: " + message);
                        err.flush();
                    })
                    .build().bind(connection);
            return new Session(uri, namespace, connection, mailbox);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    @Override
    public void close() {
        boolean blocked = mailbox.isBlocked();
        try {
            mailbox.close();
        } catch (RuntimeException e) {
            // closing anyway
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
