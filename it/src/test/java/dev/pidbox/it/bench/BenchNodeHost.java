package dev.pidbox.it.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.TopologyRecoveryException;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.pidbox.Brokers;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.jmx.JmxHandlers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child JVM of the benchmarks that hosts many pidbox Nodes on one connection:
 * {@code BenchNodeHost BROKER NS:PREFIX:FROM:COUNT[:routed] ...} starts nodes {@code PREFIX-FROM@bench} ..
 * in namespace NS with the handlers {@code ping}, {@code count} (a cast counter) and {@code get_count}, all
 * quick (run on the consumer thread, as kombu runs its handlers). Prints {@code READY <n>} and stops when its
 * standard input closes.
 *
 * <p>{@code NS:PREFIX:FROM:COUNT:raw} starts no pidbox node but the least any mailbox of this design needs, in
 * plain amqp-client, for the broker floor of a gather: one exclusive queue per node bound to the fanout exchange
 * {@code NS}, consumed on one channel, and for each delivery one reply, published on one other channel to the
 * default exchange with the request's reply-to as routing key.
 *
 * <p>{@code NS:PREFIX:FROM:COUNT:echo} starts {@link EchoNode}s: plain amqp-client consumers of queues declared as
 * a pidbox node's (same name, flags and arguments, bound to the mailbox exchange of NS), which answer every request
 * with a kombu reply, for the floor of a call's round trip.
 *
 * <p>{@code NS:PREFIX:FROM:COUNT:wire-FLAGS} starts {@link WireRungNode}s, the bare floor's nodes with the parts of
 * kombu's wire that {@code FLAGS} names, for {@link GatherWireBenchmark}.
 *
 * <p>{@code NS:PREFIX:FROM:COUNT:jmx} starts pidbox nodes with the agent's built-in handlers ({@link JmxHandlers}:
 * {@code vitals}, {@code describe} and the rest, as an attached JVM serves them) and a tag {@code shard} (the node's
 * number modulo 4), for the console benchmark.
 *
 * <p>Each line on standard input is answered with {@code READY <n>}: {@code add SPEC...} starts more nodes in the
 * running host (the large-fleet benchmark grows its fleet this way), {@code drop NS} stops the {@code wire} nodes of
 * namespace NS (their channels closed, the broker deletes their queues), {@code heap} prints {@code HEAP <used>
 * <committed>} (bytes, after a full GC); other lines change nothing.
 */
public final class BenchNodeHost {
    private BenchNodeHost() {
    }

    static List<HandlerDefinition> handlers(AtomicLong counter) {
        return List.of(
                HandlerDefinition.builder("ping").description("pong").quick(true)
                        .handler((ctx, args) -> Map.of("ok", "pong")).build(),
                HandlerDefinition.builder("count").description("counts casts").quick(true)
                        .handler((ctx, args) -> counter.incrementAndGet()).build(),
                HandlerDefinition.builder("get_count").description("the count").quick(true)
                        .handler((ctx, args) -> counter.get()).build());
    }

    /** The channels of the {@code wire} nodes of each namespace, and how many nodes, for {@code drop}. */
    private static final Map<String, List<com.rabbitmq.client.Channel>> WIRE_CHANNELS = new HashMap<>();
    private static final Map<String, Integer> WIRE_COUNTS = new HashMap<>();

    public static void main(String[] args) throws Exception {
        Connection connection = connect(args[0]);
        Map<String, Mailbox> mailboxes = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        int raw = 0;
        for (int a = 1; a < args.length; a++) {
            raw += start(connection, mailboxes, nodes, args[a]);
        }
        System.out.println("READY " + (nodes.size() + raw));
        System.out.flush();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) { // until EOF
                raw += command(connection, mailboxes, nodes, line.trim());
                System.out.println("READY " + (nodes.size() + raw));
                System.out.flush();
            }
        } finally {
            nodes.forEach(Node::close);
            mailboxes.values().forEach(Mailbox::close);
            connection.close();
            System.out.println("STOPPED");
        }
    }

    /**
     * A connection as {@link Brokers#connect} makes it, whose amqp-client reports its own failures on standard error
     * (a consumer that threw, a lost connection, a recovery; the benchmarks' class path has no SLF4J binding, so
     * amqp-client's log goes nowhere): a host whose nodes go silent says why.
     */
    private static Connection connect(String uri) throws Exception {
        ConnectionFactory factory = Brokers.factory(uri);
        factory.setExceptionHandler(new DefaultExceptionHandler() {
            @Override
            public void handleConsumerException(Channel channel, Throwable exception, Consumer consumer,
                    String consumerTag, String methodName) {
                say("amqp-client: consumer " + consumerTag + " threw from " + methodName + " on channel "
                        + channel.getChannelNumber() + " (amqp-client closes that channel)", exception);
                super.handleConsumerException(channel, exception, consumer, consumerTag, methodName);
            }

            @Override
            public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
                say("amqp-client: the connection's reader failed", exception);
                super.handleUnexpectedConnectionDriverException(conn, exception);
            }

            @Override
            public void handleConnectionRecoveryException(Connection conn, Throwable exception) {
                say("amqp-client: connection recovery failed", exception);
                super.handleConnectionRecoveryException(conn, exception);
            }

            @Override
            public void handleTopologyRecoveryException(Connection conn, Channel ch, TopologyRecoveryException e) {
                say("amqp-client: topology recovery failed", e);
                super.handleTopologyRecoveryException(conn, ch, e);
            }
        });
        Connection connection = factory.newConnection("pidbox-bench-host");
        connection.addShutdownListener(cause -> say("connection shut down: " + cause.getReason()
                + (cause.isInitiatedByApplication() ? " (by this JVM)" : ""), null));
        if (connection instanceof Recoverable) {
            ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    say("connection recovered", null);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                    say("connection recovery started", null);
                }
            });
        }
        return connection;
    }

    private static void say(String what, Throwable cause) {
        synchronized (System.err) {
            System.err.println(java.time.Instant.now() + " " + what);
            if (cause != null) {
                cause.printStackTrace();
            }
            System.err.flush();
        }
    }

    /**
     * A line from standard input (every line is answered with {@code READY <n>}, the nodes now up): {@code add SPEC...}
     * starts more nodes (a spec that fails prints {@code ERROR SPEC reason} and the host goes on with the nodes it
     * has); {@code drop NS} stops the wire nodes of NS; {@code heap} runs a full GC and prints {@code HEAP <used
     * bytes> <committed bytes>}. Returns the change in raw, echo and wire consumers.
     */
    private static int command(Connection connection, Map<String, Mailbox> mailboxes, List<Node> nodes, String line) {
        int raw = 0;
        if (line.startsWith("add ")) {
            for (String spec : line.substring(4).trim().split("\\s+")) {
                try {
                    raw += start(connection, mailboxes, nodes, spec);
                } catch (Exception | Error e) {
                    System.out.println("ERROR " + spec + " " + e);
                }
            }
        } else if (line.startsWith("drop ")) {
            String ns = line.substring(5).trim();
            for (com.rabbitmq.client.Channel c : WIRE_CHANNELS.getOrDefault(ns, List.of())) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.out.println("ERROR drop " + ns + " " + e);
                }
            }
            WIRE_CHANNELS.remove(ns);
            raw -= WIRE_COUNTS.getOrDefault(ns, 0);
            WIRE_COUNTS.remove(ns);
        } else if (line.equals("heap")) {
            System.gc();
            System.gc();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            System.out.println("HEAP " + heap.getUsed() + " " + heap.getCommitted());
        }
        return raw;
    }

    /** Starts the nodes of one spec {@code NS:PREFIX:FROM:COUNT[:kind]}; returns the raw or echo consumers started. */
    private static int start(Connection connection, Map<String, Mailbox> mailboxes, List<Node> nodes, String spec)
            throws IOException {
        String[] p = spec.split(":");
        if (p.length > 4 && p[4].equals("raw")) {
            return rawNodes(connection, p[0], p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        }
        if (p.length > 4 && (p[4].equals("wire") || p[4].startsWith("wire-"))) {
            int started = WireRungNode.start(connection, p[0], p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]),
                    p[4].substring("wire".length()), WIRE_CHANNELS.computeIfAbsent(p[0], k -> new ArrayList<>()));
            WIRE_COUNTS.merge(p[0], started, Integer::sum);
            return started;
        }
        if (p.length > 4 && p[4].equals("echo")) {
            return EchoNode.start(connection, p[0], p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
        }
        boolean routed = p.length > 4 && p[4].equals("routed");
        boolean jmx = p.length > 4 && p[4].equals("jmx");
        Mailbox mailbox = mailboxes.computeIfAbsent(p[0],
                ns -> Mailbox.builder(ns).routed(routed).build().bind(connection));
        int from = Integer.parseInt(p[2]);
        int count = Integer.parseInt(p[3]);
        for (int i = from; i < from + count; i++) {
            Node.Builder b = mailbox.node(p[1] + "-" + i + "@bench");
            if (jmx) {
                JmxHandlers builtIn = new JmxHandlers();
                b.handlers(builtIn.handlers(key -> null)).observer(builtIn.metrics()).tag("shard",
                        Integer.toString(i % 4));
            } else {
                for (HandlerDefinition h : handlers(new AtomicLong())) {
                    b.handler(h);
                }
            }
            nodes.add(b.build().listen());
        }
        return 0;
    }

    private static int rawNodes(Connection connection, String exchange, String prefix, int from, int count)
            throws IOException {
        Channel setup = connection.createChannel();
        setup.exchangeDeclare(exchange, "fanout", false, true, null);
        Channel consume = connection.createChannel();
        Channel reply = connection.createChannel();
        for (int i = from; i < from + count; i++) {
            String name = prefix + "-" + i + "@bench";
            String queue = name + "." + exchange;
            setup.queueDeclare(queue, false, true, true, null);
            setup.queueBind(queue, exchange, "");
            byte[] answer = ("{\"" + name + "\": {\"ok\": \"pong\"}}").getBytes(StandardCharsets.UTF_8);
            consume.basicConsume(queue, true, new DefaultConsumer(consume) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                        throws IOException {
                    synchronized (reply) {
                        reply.basicPublish("", props.getReplyTo(), null, answer);
                    }
                }
            });
        }
        return count;
    }
}
