package dev.pidbox.cli;

import dev.pidbox.fleet.Selector;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The picocli mixins the commands share. */
final class Options {
    private Options() {
    }

    /** Where the mailbox is: global, given before or after the subcommand. */
    static final class Broker {
        @Option(names = "--broker", paramLabel = "URI", scope = ScopeType.INHERIT,
                description = "AMQP broker URI (env PIDBOX_BROKER; default amqp://guest:guest@localhost:5672/)")
        String broker;

        @Option(names = "--namespace", paramLabel = "NS", scope = ScopeType.INHERIT,
                description = "mailbox namespace (env PIDBOX_NAMESPACE; default jvm; celery for Celery workers)")
        String namespace;

        @Option(names = "--type", paramLabel = "fanout|direct", scope = ScopeType.INHERIT,
                description = "mailbox exchange type (env PIDBOX_TYPE; default fanout)")
        String type;

        @Option(names = "--key", paramLabel = "FILE", scope = ScopeType.INHERIT,
                description = "sign requests with this private key (from `pidbox keygen`; env PIDBOX_KEY)")
        String key;

        @Option(names = "--routed", scope = ScopeType.INHERIT,
                description = "send calls to named nodes by routed delivery (env PIDBOX_ROUTED; default off)")
        boolean routed;

        @Option(names = "--tls-ca", paramLabel = "PEM", scope = ScopeType.INHERIT,
                description = "CA certificates that sign the broker's, for amqps:// (env PIDBOX_TLS_CA; default: the"
                        + " JVM's trust store)")
        String tlsCa;

        @Option(names = "--tls-cert", paramLabel = "FILE", scope = ScopeType.INHERIT,
                description = "client certificate, PEM with --tls-key or PKCS#12; with no password in the URI it is"
                        + " the login (RabbitMQ EXTERNAL) (env PIDBOX_TLS_CERT)")
        String tlsCert;

        @Option(names = "--tls-key", paramLabel = "PEM", scope = ScopeType.INHERIT,
                description = "the client certificate's private key, unencrypted PKCS#8 (env PIDBOX_TLS_KEY)")
        String tlsKey;

        @Option(names = "--tls-key-password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
                description = "file holding the PKCS#12 password (env PIDBOX_TLS_KEY_PASSWORD_FILE)")
        String tlsKeyPasswordFile;

        @Option(names = "--reply-users", paramLabel = "FILE", scope = ScopeType.INHERIT,
                description = "accept a reply only from a broker user that may answer for its node (user = node globs;"
                        + " env PIDBOX_REPLY_USERS); others are reported as forged")
        String replyUsers;

        @Option(names = "--tls-insecure", scope = ScopeType.INHERIT,
                description = "do not check the broker's certificate (warns every time; never in production)")
        boolean tlsInsecure;
    }

    /** How results are shown: global. */
    static final class Output {
        @Option(names = {"-o", "--output"}, paramLabel = "table|json|ndjson", scope = ScopeType.INHERIT,
                description = "table (default), json (one document) or ndjson (one line per reply as it arrives)")
        String format;

        @Option(names = "--group-by", paramLabel = "PATH", scope = ScopeType.INHERIT,
                description = "fold equal values at this dot path of each reply into value -> nodes")
        String groupBy;

        Format format() {
            if (format == null || format.isEmpty()) {
                return Format.TABLE;
            }
            switch (format) {
                case "table":
                    return Format.TABLE;
                case "json":
                    return Format.JSON;
                case "ndjson":
                    return Format.NDJSON;
                default:
                    throw new IllegalArgumentException("invalid output '" + format + "': use table, json or ndjson");
            }
        }
    }

    enum Format { TABLE, JSON, NDJSON }

    /** Which nodes a command reaches and how long it waits for them. */
    static final class Selectors {
        @Option(names = "--to", split = ",", paramLabel = "NODE", description = "node names, comma-separated")
        List<String> to = new ArrayList<>();

        @Option(names = "--glob", paramLabel = "PATTERN", description = "nodes whose name matches a shell glob")
        String glob;

        @Option(names = "--regex", paramLabel = "PATTERN",
                description = "nodes whose name starts with a match of a (Python) regular expression")
        String regex;

        @Option(names = "--where", paramLabel = "KEY=VALUE",
                description = "nodes whose tags have this value (repeatable; all must match; kombu/Celery nodes have none)")
        Map<String, String> where = new LinkedHashMap<>();

        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "one total deadline, e.g. 500ms, 2s (env PIDBOX_TIMEOUT; default 1s)")
        String timeout;

        @Option(names = "--limit", paramLabel = "N", description = "stop after N replies")
        Integer limit;

        @Option(names = "--expect", paramLabel = "N",
                description = "return once N nodes answered; report the shortfall (exit 3) otherwise")
        Integer expect;

        /** Whether no selector is given, so that the command would reach every node. */
        boolean none() {
            return to.isEmpty() && glob == null && regex == null && where.isEmpty();
        }

        /** The library's selector for {@code --to}, {@code --glob}, {@code --regex} and {@code --where}. */
        Selector selector() {
            if (glob != null && regex != null) {
                throw new IllegalArgumentException("use either --glob or --regex, not both");
            }
            return Selector.all().names(to).glob(glob).regex(regex).where(where);
        }
    }

    /** {@code --node NODE}: the details of one node (the same as {@code --to NODE}). */
    static final class OneNode {
        @Option(names = "--node", paramLabel = "NODE", description = "show the details of this node (same as --to NODE)")
        String node;

        /** Adds the node to {@code --to}, once. */
        void addTo(Selectors selectors) {
            if (node != null && !selectors.to.contains(node)) {
                selectors.to.add(node);
            }
        }
    }

    /** Keyword arguments of the command sent. */
    static final class Arguments {
        @Option(names = "--arg", paramLabel = "KEY=VALUE",
                description = "an argument; the value is read as JSON when it parses (5, true, [1]), else as a string")
        Map<String, String> args = new LinkedHashMap<>();

        @Option(names = "--args-json", paramLabel = "JSON", description = "all arguments as one JSON object")
        String argsJson;

        Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            if (argsJson != null) {
                Object parsed;
                try {
                    parsed = JsonValues.decode(argsJson);
                } catch (IOException e) {
                    throw new IllegalArgumentException("--args-json is not valid JSON: " + e.getMessage(), e);
                }
                if (!(parsed instanceof Map)) {
                    throw new IllegalArgumentException("--args-json must be a JSON object, got " + argsJson);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) parsed;
                out.putAll(m);
            }
            args.forEach((k, v) -> out.put(k, value(v)));
            return out;
        }

        static Object value(String text) {
            String t = text.trim();
            boolean jsonLike = t.equals("true") || t.equals("false") || t.equals("null")
                    || t.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?") || t.startsWith("{") || t.startsWith("[")
                    || t.startsWith("\"");
            if (!jsonLike) {
                return text;
            }
            try {
                return JsonValues.decode(t);
            } catch (IOException | RuntimeException e) {
                return text;
            }
        }
    }

    /** Rollout of a mutating command across the selected nodes. */
    static final class Rollout {
        @Option(names = "--canary", paramLabel = "N", description = "send to N nodes first and check their replies")
        Integer canary;

        @Option(names = "--batch", paramLabel = "M", description = "then go on in batches of M nodes (default: all the rest)")
        Integer batch;

        @Option(names = "--max-failures", paramLabel = "K", defaultValue = "0",
                description = "stop when more than K nodes failed or did not answer (default 0)")
        int maxFailures;

        boolean active() {
            return canary != null || batch != null;
        }

        void validate() {
            if (canary != null && canary < 1 || batch != null && batch < 1 || maxFailures < 0) {
                throw new IllegalArgumentException("--canary and --batch must be at least 1 and --max-failures at least 0");
            }
        }
    }
}
