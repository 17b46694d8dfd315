package dev.pidbox.cli;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.CallResult;
import dev.pidbox.ExchangeType;
import dev.pidbox.Mailbox;
import dev.pidbox.Reply;
import dev.pidbox.Request;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** One CLI run's connection and mailbox, and the discovery gathers commands build on. */
final class Fleet implements AutoCloseable {
    final String uri;
    final String namespace;
    final Connection connection;
    final Mailbox mailbox;

    private Fleet(String uri, String namespace, Connection connection, Mailbox mailbox) {
        this.uri = uri;
        this.namespace = namespace;
        this.connection = connection;
        this.mailbox = mailbox;
    }

    /**
     * Connects with the resolved settings.
     *
     * @throws dev.pidbox.PidboxException when the broker is unreachable or refuses access (exit 4)
     * @throws IllegalArgumentException for a malformed URI or type (exit 2)
     */
    static Fleet open(Settings settings, Options.Broker flags, PrintWriter err) {
        String uri = settings.broker(flags.broker);
        String namespace = settings.namespace(flags.namespace);
        ExchangeType type = ExchangeType.fromWireName(settings.type(flags.type));
        String key = settings.key(flags.key);
        dev.pidbox.security.Signer signer = null;
        if (key != null) {
            try {
                signer = dev.pidbox.security.Signer.load(java.nio.file.Paths.get(key));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read key " + key + ": " + e.getMessage(), e);
            }
        }
        boolean routed = settings.routed(flags.routed);
        String replyUsersFile = settings.replyUsers(flags.replyUsers);
        dev.pidbox.security.ReplyUsers replyUsers = replyUsersFile == null ? null
                : dev.pidbox.security.ReplyUsers.load(java.nio.file.Paths.get(replyUsersFile));
        dev.pidbox.Tls tls = settings.tls(flags.tlsCa, flags.tlsCert, flags.tlsKey, flags.tlsKeyPasswordFile,
                flags.tlsInsecure);
        Connection connection = Brokers.connect(uri, "pidbox-cli", tls);
        try {
            Mailbox mailbox = Mailbox.builder(namespace).type(type).signer(signer).routed(routed).replyUsers(replyUsers)
                    .errorSink((message, cause) -> {
                        err.println("pidbox: " + message);
                        err.flush();
                    })
                    .build().bind(connection);
            return new Fleet(uri, namespace, connection, mailbox);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** The request as selected by {@code --to}, {@code --glob} and {@code --regex}, for {@code method}. */
    static Request.Builder select(String method, Map<String, Object> arguments, Options.Selectors sel, Duration timeout) {
        if (sel.glob != null && sel.regex != null) {
            throw new IllegalArgumentException("use either --glob or --regex, not both");
        }
        Request.Builder b = Request.builder(method).arguments(arguments).timeout(timeout);
        if (!sel.to.isEmpty()) {
            b.destination(sel.to);
        } else if (sel.glob != null) {
            b.glob(sel.glob);
        } else if (sel.regex != null) {
            b.pcre(sel.regex);
        }
        return b;
    }

    /**
     * The names of the nodes selected by {@code --to}/{@code --glob}/{@code --regex} whose tags match
     * {@code --where}, learned from a {@code runtime} gather (kombu and Celery nodes have no tags, so
     * they never match). Sorted.
     */
    List<String> matchingWhere(Options.Selectors sel, Duration timeout) {
        CallResult r = mailbox.call(select("runtime", Map.of(), sel, timeout).build(), null);
        TreeSet<String> names = new TreeSet<>();
        for (Reply reply : r.replies()) {
            if (!reply.isError() && Render.tagsMatch(reply.value(), sel.where)) {
                names.add(reply.node());
            }
        }
        return new ArrayList<>(names);
    }

    /** The nodes a rollout goes to: the --to list as given, else those that answer a ping gather. */
    List<String> discover(Options.Selectors sel, Duration timeout) {
        if (!sel.where.isEmpty()) {
            return matchingWhere(sel, timeout);
        }
        if (!sel.to.isEmpty()) {
            return new ArrayList<>(new java.util.LinkedHashSet<>(sel.to));
        }
        CallResult r = mailbox.call(select("ping", Map.of(), sel, timeout).build(), null);
        return new ArrayList<>(new TreeSet<>(r.answered()));
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
