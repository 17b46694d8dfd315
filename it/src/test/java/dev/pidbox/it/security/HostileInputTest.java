package dev.pidbox.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.it.faults.Ctl;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand generated bad messages (seeded, so every run sends the same ones) published straight to the
 * queue of an agent node in a real child JVM. Afterwards the node answers ping, nothing was dispatched but
 * our own calls, every reply it sent to the flood is an error, it never replied through the default or an
 * {@code amq.*} exchange, and its thread count and heap after GC are back within stated bounds.
 */
@RabbitMQ.Required
class HostileInputTest {
    static final long SEED = 0x5EED_B0B5L;
    static final int MESSAGES = 10_000;
    static final int THREAD_BOUND = 2;
    static final long HEAP_BOUND = 16L * 1024 * 1024;
    static final String NODE = "hostile@it";

    private final Random random = new Random(SEED);
    private String namespace;
    private Channel raw;
    private String replyKey;
    private String trapQueue;
    private final Map<String, AtomicInteger> sentByKind = new TreeMap<>();

    @Test
    @SuppressWarnings("unchecked")
    void tenThousandBadMessagesDispatchNothingAndLeaveTheNodeAsItWas() throws Exception {
        namespace = RabbitMQ.uniqueNamespace("hostile");
        // The policy lets the test (and only it) run System.gc() in the child through mbean.invoke.
        java.nio.file.Path policy = java.nio.file.Files.createTempFile("pbt-hostile-policy", ".properties");
        java.nio.file.Files.writeString(policy, "allow = mbean.invoke\nmbean.allow = java.lang:type=Memory#gc\n");
        policy.toFile().deleteOnExit();
        String agent = "-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                + ",node=" + NODE + ",policy=" + policy;
        long t0 = System.nanoTime();
        try (Connection connection = RabbitMQ.connect("pidbox-it-hostile");
                TargetJvm target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                        List.of(agent), "dev.pidbox.it.target.SleeperApp", "stdin")) {
            target.awaitReady();
            Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !mailbox.call(List.of(NODE), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());

            // Our own reply queue (for the flood's replies) and a trap queue bound to the amq.* exchanges.
            raw = connection.createChannel();
            raw.exchangeDeclare(mailbox.replyExchange(), "direct", false, false, false, Map.of());
            replyKey = "hostile-" + UUID.randomUUID();
            String replyQueue = raw.queueDeclare("", false, true, true, Map.of()).getQueue();
            raw.queueBind(replyQueue, mailbox.replyExchange(), replyKey);
            trapQueue = raw.queueDeclare("", false, true, true, Map.of()).getQueue();
            for (String ex : List.of("amq.direct", "amq.topic")) {
                raw.queueBind(trapQueue, ex, trapQueue);
            }
            raw.queueBind(trapQueue, "amq.fanout", "");
            AtomicInteger replies = new AtomicInteger();
            List<String> nonErrorReplies = new ArrayList<>();
            Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
            Channel consumer = connection.createChannel();
            consumer.basicConsume(replyQueue, true, new DefaultConsumer(consumer) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                        throws java.io.IOException {
                    replies.incrementAndGet();
                    Object value = ((Map<String, Object>) JsonValues.decode(body)).get(NODE);
                    if (value instanceof Map && ((Map<String, Object>) value).get("error") instanceof String) {
                        String err = (String) ((Map<String, Object>) value).get("error");
                        errorKinds.merge(err.substring(0, Math.max(0, err.indexOf('('))), 1, Integer::sum);
                    } else {
                        synchronized (nonErrorReplies) {
                            nonErrorReplies.add(new String(body, StandardCharsets.UTF_8));
                        }
                    }
                }
            });

            // The agent registers its MBean just after the node starts listening: wait for it.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> nodeBeanName(mailbox) != null);
            // Baseline: threads, and heap used after a full GC; then the node's counters.
            Baseline before = measure(mailbox);
            Map<String, Long> countsBefore = counts(mailbox); // this call is dispatched after its own read

            String queue = NODE + "." + namespace + ".pidbox";
            long publishStart = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                Bad bad = generate(i);
                sentByKind.computeIfAbsent(bad.kind, k -> new AtomicInteger()).incrementAndGet();
                raw.basicPublish("", queue, bad.props, bad.body);
            }
            long publishMs = (System.nanoTime() - publishStart) / 1_000_000;

            // The queue is FIFO: a ping with a long deadline is answered only after the whole flood.
            long drainStart = System.nanoTime();
            CallResult ping = mailbox.call(List.of(NODE), "ping", Map.of(), Duration.ofSeconds(40));
            long drainMs = (System.nanoTime() - drainStart) / 1_000_000;
            assertThat(ping.byNode()).as("ping after the flood").containsEntry(NODE, Map.of("ok", "pong"));
            Map<String, Long> countsAfter = counts(mailbox);
            Baseline after = measure(mailbox);
            await().atMost(Duration.ofSeconds(5)).until(() -> raw.messageCount(replyQueue) == 0);
            long trapped = raw.messageCount(trapQueue);

            System.err.printf("hostile input: sent %d messages (%s) in %d ms; node drained them in %d ms%n", MESSAGES,
                    sentByKind, publishMs, drainMs);
            System.err.printf("hostile input: counts before %s%nhostile input: counts after  %s%n", countsBefore,
                    countsAfter);
            System.err.printf("hostile input: %d replies to the flood, all errors by type: %s; non-error replies: %d;"
                    + " replies via amq.*: %d%n", replies.get(), errorKinds, nonErrorReplies.size(), trapped);
            System.err.printf("hostile input: threads %d -> %d (bound +%d); heap used after GC %.1f MiB -> %.1f MiB"
                    + " (bound +%d MiB); total %d ms%n", before.threads, after.threads, THREAD_BOUND,
                    before.heapUsed / 1048576.0, after.heapUsed / 1048576.0, HEAP_BOUND / 1048576,
                    (System.nanoTime() - t0) / 1_000_000);

            nonErrorReplies.stream().limit(5).forEach(r -> System.err.println("hostile input: NON-ERROR REPLY "
                    + r.substring(0, Math.min(400, r.length()))));
            org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
            soft.assertThat(countsAfter.get("received") - countsBefore.get("received"))
                    .as("the node received the whole flood").isGreaterThanOrEqualTo(MESSAGES);
            // Dispatched between the two reads: the first counts call itself and the ping, nothing of the flood.
            soft.assertThat(countsAfter.get("dispatched") - countsBefore.get("dispatched"))
                    .as("handlers run between the two reads (only our counts call and ping)").isEqualTo(2);
            soft.assertThat(countsAfter.get("failed") - countsBefore.get("failed")).as("handlers that threw").isZero();
            soft.assertThat(nonErrorReplies).as("replies to the flood that are not errors").isEmpty();
            soft.assertThat(trapped).as("replies published to amq.* exchanges").isZero();
            soft.assertThat(target.isAlive()).isTrue();
            soft.assertThat(after.threads).as("thread count after the flood").isLessThanOrEqualTo(before.threads + THREAD_BOUND);
            soft.assertThat(after.heapUsed).as("heap used after GC").isLessThanOrEqualTo(before.heapUsed + HEAP_BOUND);
            soft.assertAll();
            mailbox.close();
        } finally {
            Ctl.deleteExchangesOf(namespace);
        }
    }

    /**
     * Pins down one class of the flood: a ping whose content type is {@code application/json} followed by a NUL (or
     * another control character) is not JSON and must not be read (kombu refuses it: not in {@code accept}).
     */
    @Test
    void aContentTypeWithTrailingControlCharactersIsNotReadAsJson() throws Exception {
        String ns = RabbitMQ.uniqueNamespace("ctype");
        try (Connection connection = RabbitMQ.connect("pidbox-it-ctype")) {
            Mailbox mailbox = Mailbox.builder(ns).build().bind(connection);
            dev.pidbox.Node node = mailbox.node("ctype@it").handler(dev.pidbox.it.support.TestNodes.ping()).build().listen();
            Channel ch = connection.createChannel();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("method", "ping");
            body.put("arguments", Map.of());
            List<String> accepted = new ArrayList<>();
            for (String ct : List.of("application/json\u0000", "application/json\u0001", "\u0000application/json",
                    "application/json\u001f")) {
                long before = node.stats().get("dispatched");
                ch.basicPublish("", node.getQueue().name(), props(ct, Map.of("clock", 1)), JsonValues.encode(body));
                // FIFO: a proper ping after it is answered only once it was handled.
                assertThat(mailbox.call(List.of("ctype@it"), "ping", Map.of(), Duration.ofSeconds(5)).byNode())
                        .containsKey("ctype@it");
                Thread.sleep(100); // handlers run on two threads: let the first one finish counting
                if (node.stats().get("dispatched") - before != 1) {
                    accepted.add(ct.replace("\u0000", "\\u0000").replace("\u0001", "\\u0001").replace("\u001f", "\\u001f"));
                }
            }
            node.close();
            mailbox.close();
            assertThat(accepted).as("content types read as JSON although they are not application/json").isEmpty();
        } finally {
            Ctl.deleteExchangesOf(ns);
        }
    }

    // ------------------------------------------------------------------ measuring the child through its node

    private static final class Baseline {
        final long threads;
        final long heapUsed;

        Baseline(long threads, long heapUsed) {
            this.threads = threads;
            this.heapUsed = heapUsed;
        }
    }

    @SuppressWarnings("unchecked")
    private static Object value(Mailbox mailbox, String method, Map<String, ?> args) {
        CallResult r = mailbox.call(List.of(NODE), method, args, Duration.ofSeconds(15));
        Object v = r.byNode().get(NODE);
        assertThat(v).as(method + " reply: " + r).isInstanceOf(Map.class);
        assertThat((Map<String, Object>) v).as(method + " reply").doesNotContainKey("error");
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Baseline measure(Mailbox mailbox) throws InterruptedException {
        // Two GCs a moment apart settle the heap better than one.
        value(mailbox, "mbean.invoke", Map.of("name", "java.lang:type=Memory", "operation", "gc"));
        Thread.sleep(200);
        value(mailbox, "mbean.invoke", Map.of("name", "java.lang:type=Memory", "operation", "gc"));
        Map<String, Object> memory = (Map<String, Object>) value(mailbox, "memory", Map.of());
        long heap = ((Number) ((Map<String, Object>) memory.get("heap")).get("used")).longValue();
        Map<String, Object> threads = (Map<String, Object>) value(mailbox, "threads", Map.of("max_depth", 0, "locks", false));
        return new Baseline(((Number) threads.get("thread_count")).longValue(), heap);
    }

    private static String beanName;

    /**
     * {@code dev.pidbox:type=Node}, or (with a warning) the name the agent registered its node MBean under when
     * that is not it; null while none is registered.
     */
    @SuppressWarnings("unchecked")
    private static String nodeBeanName(Mailbox mailbox) {
        if (beanName != null) {
            return beanName;
        }
        Object v = mailbox.call(List.of(NODE), "mbean.get", Map.of("name", "dev.pidbox:type=Node"), Duration.ofSeconds(5))
                .byNode().get(NODE);
        if (v instanceof Map && !((Map<String, Object>) v).containsKey("error")) {
            return beanName = "dev.pidbox:type=Node";
        }
        Object q = mailbox.call(List.of(NODE), "mbean.query", Map.of("pattern", "*:type=Node"), Duration.ofSeconds(5))
                .byNode().get(NODE);
        if (q instanceof Map && ((Map<String, Object>) q).get("names") instanceof List) {
            for (Object n : (List<Object>) ((Map<String, Object>) q).get("names")) {
                if (String.valueOf(n).startsWith("dev.pidbox")) {
                    System.err.println("hostile input: WARNING the agent's node MBean is registered as " + n
                            + ", not dev.pidbox:type=Node (" + v + ")");
                    return beanName = String.valueOf(n);
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> counts(Mailbox mailbox) {
        Map<String, Object> bean = (Map<String, Object>) value(mailbox, "mbean.get", Map.of("name", nodeBeanName(mailbox)));
        Object counts = ((Map<String, Object>) bean.get("values")).get("Counts");
        Map<String, Long> out = new LinkedHashMap<>();
        if (counts instanceof Map) {
            ((Map<String, Object>) counts).forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        } else if (counts instanceof List) { // a TabularData rendered as [{key, value}, ...]
            for (Object row : (List<Object>) counts) {
                Map<String, Object> m = (Map<String, Object>) row;
                out.put(String.valueOf(m.get("key")), ((Number) m.get("value")).longValue());
            }
        } else {
            throw new AssertionError("unexpected Counts shape: " + counts);
        }
        return out;
    }

    // ------------------------------------------------------------------ the generator

    private static final class Bad {
        final String kind;
        final AMQP.BasicProperties props;
        final byte[] body;

        Bad(String kind, AMQP.BasicProperties props, byte[] body) {
            this.kind = kind;
            this.props = props;
            this.body = body;
        }
    }

    private static final List<String> KINDS = List.of("random-bytes", "pickle", "wrong-content-type", "truncated",
            "oversized", "deep-nesting", "bad-method", "bad-arguments", "bad-destination", "bad-pattern", "bad-reply-to",
            "unknown-method", "forged-ticket", "reply-to-amq", "huge-numbers", "invalid-utf8", "bad-headers",
            "not-an-object", "odd-json");

    private AMQP.BasicProperties props(String contentType, Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().contentType(contentType).contentEncoding("utf-8").deliveryMode(2)
                .headers(headers).build();
    }

    private AMQP.BasicProperties json() {
        Map<String, Object> h = new HashMap<>();
        h.put("clock", 1 + random.nextInt(1000));
        return props("application/json", h);
    }

    private Map<String, Object> myReplyTo() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("exchange", "reply." + namespace + ".pidbox");
        r.put("routing_key", replyKey);
        return r;
    }

    /** A request for a method no node has (so a node may answer KeyError but must never run anything). */
    private Map<String, Object> unknownRequest() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("method", "nosuch_" + random.nextInt(50));
        b.put("arguments", Map.of());
        b.put("destination", null);
        b.put("pattern", null);
        b.put("matcher", null);
        b.put("ticket", UUID.randomUUID().toString());
        b.put("reply_to", myReplyTo());
        return b;
    }

    private Bad bad(String kind, AMQP.BasicProperties props, Object body) {
        return new Bad(kind, props, body instanceof byte[] ? (byte[]) body : JsonValues.encode(body));
    }

    private byte[] randomBytes(int max) {
        byte[] b = new byte[random.nextInt(max)];
        random.nextBytes(b);
        return b;
    }

    private static Object pick(Random random, Object... options) {
        return options[random.nextInt(options.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    Bad generate(int i) {
        String kind = KINDS.get(i % KINDS.size());
        Map<String, Object> b;
        switch (kind) {
            case "random-bytes":
                return bad(kind, json(), randomBytes(2000));
            case "pickle": {
                // Protocol 4 pickles (and pickle-looking junk): never deserialized, whatever they hold.
                byte[] junk = randomBytes(300);
                byte[] pickle = concat(new byte[] {(byte) 0x80, 0x04, (byte) 0x95}, junk, new byte[] {0x2e});
                String ct = (String) pick(random, "application/x-python-serialize", "application/x-python-serialize",
                        "application/python-pickle");
                return bad(kind, props(ct, Map.of("clock", 1)), random.nextBoolean() ? pickle : JsonValues.encode(unknownRequest()));
            }
            case "wrong-content-type": {
                String ct = (String) pick(random, "application/x-yaml", "application/x-msgpack", "text/plain", null,
                        "application/data", "application/xml", "application/json\u0000", "APPLICATION/X-PYTHON-SERIALIZE",
                        "application/json; charset=utf-16", "");
                b = unknownRequest();
                // A JSON-looking request for ping under a content type that is not JSON: never read. (No content
                // type, or JSON with a charset parameter, counts as JSON: those get an unknown method.)
                if (ct != null && !ct.isEmpty() && !ct.startsWith("application/json;")) {
                    b.put("method", "ping");
                }
                return bad(kind, props(ct, Map.of("clock", 1)), b);
            }
            case "truncated": {
                byte[] full = JsonValues.encode(unknownRequest());
                return bad(kind, json(), Arrays.copyOf(full, 1 + random.nextInt(full.length - 1)));
            }
            case "oversized": {
                if (i % (KINDS.size() * 25) != 4) { // about 20 oversized bodies of ~1.1 MiB; the rest are 1-byte-short cuts
                    byte[] full = JsonValues.encode(unknownRequest());
                    return bad(kind, json(), Arrays.copyOf(full, full.length - 1));
                }
                b = unknownRequest();
                b.put("method", "threads");
                b.put("arguments", Map.of("blob", "x".repeat(1_100_000 + random.nextInt(50_000))));
                return bad(kind, json(), b);
            }
            case "deep-nesting": {
                int depth = 101 + random.nextInt(random.nextInt(10) == 0 ? 50_000 : 500);
                boolean arrays = random.nextBoolean();
                String open = arrays ? "[" : "{\"a\":";
                String close = arrays ? "]" : "}";
                String deep = open.repeat(depth) + (arrays ? "" : "1") + close.repeat(depth);
                String head = "{\"method\": \"threads\", \"ticket\": \"" + UUID.randomUUID()
                        + "\", \"reply_to\": {\"exchange\": \"reply." + namespace + ".pidbox\", \"routing_key\": \""
                        + replyKey + "\"}, \"arguments\": {\"state\": ";
                return bad(kind, json(), utf8(head + deep + "}}"));
            }
            case "bad-method": {
                b = unknownRequest();
                b.put("method", pick(random, 42, -1, 3.14, true, false, List.of("ping"), Map.of("name", "ping"), "",
                        " ping", "ping ", "PING", "ping\u0000", "../ping", "x".repeat(10_000), "mbean.invoke\n", "\u202eping"));
                return bad(kind, json(), b);
            }
            case "bad-arguments": {
                // Valid handler names, arguments the node must refuse before running anything.
                b = unknownRequest();
                int c = random.nextInt(8);
                if (c == 0) {
                    b.put("method", "threads");
                    b.put("arguments", pick(random, List.of(1, 2), "max_depth=1", 7, true));
                } else if (c == 1) {
                    b.put("method", "threads");
                    b.put("arguments", Map.of("max_depth", pick(random, "deep", List.of(1), Map.of(), true, 1.5)));
                } else if (c == 2) {
                    b.put("method", "threads");
                    b.put("arguments", Map.of("locks", pick(random, "yes", 1, List.of())));
                } else if (c == 3) {
                    b.put("method", "threads");
                    b.put("arguments", Map.of("name", pick(random, 5, List.of("a"), Map.of("x", 1), false)));
                } else if (c == 4) {
                    b.put("method", "memory");
                    b.put("arguments", Map.of("evil", pick(random, 1, "x", List.of())));
                } else if (c == 5) {
                    b.put("method", "mbean.invoke");
                    b.put("arguments", Map.of("name", pick(random, 5, List.of(), Map.of())));
                } else if (c == 6) {
                    b.put("method", "heap_dump");
                    b.put("arguments", Map.of("live", "no", "file", pick(random, 1, List.of("/etc/passwd"))));
                } else {
                    b.put("method", "sysprops");
                    b.put("arguments", pick(random, List.of(), "name", 0, Map.of("name", 12), Map.of("__proto__", 1)));
                }
                return bad(kind, json(), b);
            }
            case "bad-destination": {
                b = unknownRequest();
                b.put("destination", pick(random, 42, Map.of(NODE, true), List.of(1, 2), List.of(List.of(NODE)), true,
                        List.of(NODE, 5), NODE, "x".repeat(5000), List.of(NODE.toUpperCase())));
                return bad(kind, json(), b);
            }
            case "bad-pattern": {
                b = unknownRequest();
                int c = random.nextInt(5);
                if (c == 0) {
                    b.put("pattern", pick(random, 42, List.of("*"), Map.of("p", "*"), true));
                    b.put("matcher", "glob");
                } else if (c == 1) {
                    b.put("pattern", "*");
                    b.put("matcher", pick(random, 1, List.of("glob"), "regex", "GLOB", "eval", "../glob"));
                } else if (c == 2) {
                    b.put("pattern", pick(random, "(((", "[z-a]", "(?P<x>a)(?P<x>b)", "\\", "(?<!a+)b", "*"));
                    b.put("matcher", "pcre");
                } else if (c == 3) {
                    // Catastrophic backtracking attempts against the node's own name.
                    b.put("pattern", pick(random, "(h|h|ho|hos)*+$", "(([a-z@])+)+!", "(\\w+)*\\d", "(.*a){25}"));
                    b.put("matcher", "pcre");
                } else {
                    b.put("pattern", "[" + "[".repeat(1000));
                    b.put("matcher", pick(random, "glob", "pcre"));
                }
                return bad(kind, json(), b);
            }
            case "bad-reply-to": {
                b = unknownRequest();
                Map<String, Object> rt = new LinkedHashMap<>();
                int c = random.nextInt(6);
                if (c == 0) {
                    b.put("reply_to", pick(random, "somewhere", 42, List.of("reply", "key"), true));
                } else if (c == 1) {
                    rt.put("exchange", pick(random, 5, List.of(), Map.of(), null));
                    rt.put("routing_key", replyKey);
                    b.put("reply_to", rt);
                } else if (c == 2) {
                    rt.put("exchange", "reply." + namespace + ".pidbox");
                    rt.put("routing_key", pick(random, 5, null, List.of(replyKey), Map.of()));
                    b.put("reply_to", rt);
                } else if (c == 3) {
                    rt.put("exchange", "x".repeat(300)); // longer than an AMQP short string
                    rt.put("routing_key", replyKey);
                    b.put("reply_to", rt);
                } else if (c == 4) {
                    rt.put("exchange", "reply." + namespace + ".pidbox");
                    rt.put("routing_key", "k".repeat(300));
                    b.put("reply_to", rt);
                } else {
                    b.put("reply_to", Map.of());
                }
                return bad(kind, json(), b);
            }
            case "unknown-method": {
                b = unknownRequest();
                b.put("method", pick(random, "shutdown", "pool_restart", "rate_limit", "exec", "eval", "__init__",
                        "getClass", "mbean", "mbean.", "threads.", "Ping", "memory2", "autoscale"));
                return bad(kind, json(), b);
            }
            case "forged-ticket": {
                b = unknownRequest();
                b.put("ticket", pick(random, 42, null, List.of("t"), Map.of("t", 1), "", "x".repeat(100_000), "\u0000",
                        "../../etc", 1e308, true, "\ud83d\ude00".repeat(100)));
                return bad(kind, json(), b);
            }
            case "reply-to-amq": {
                b = unknownRequest();
                if (random.nextBoolean()) {
                    b.put("method", "threads");
                    b.put("arguments", Map.of("max_depth", "x")); // refused, so the error reply is what is tried
                }
                Map<String, Object> rt = new LinkedHashMap<>();
                rt.put("exchange", pick(random, "amq.direct", "amq.topic", "amq.fanout", "amq.headers", "", "amq.match",
                        "amq.rabbitmq.trace", "amq.nosuch"));
                rt.put("routing_key", trapQueue);
                b.put("reply_to", rt);
                return bad(kind, json(), b);
            }
            case "huge-numbers": {
                String n = (String) pick(random, "1" + "0".repeat(99), "1" + "0".repeat(5000), "1e999999999", "-1e400",
                        "9223372036854775808", "0." + "0".repeat(3000) + "1", "1E-99999", "123456789012345678901234567890");
                String body = "{\"method\": \"nosuch_num\", \"arguments\": {\"n\": " + n + ", \"max_depth\": " + n
                        + "}, \"ticket\": \"" + UUID.randomUUID() + "\", \"reply_to\": {\"exchange\": \"reply." + namespace
                        + ".pidbox\", \"routing_key\": \"" + replyKey + "\"}, \"destination\": " + n + "}";
                Map<String, Object> h = new HashMap<>();
                h.put("clock", pick(random, Long.MAX_VALUE, -1L, Integer.MAX_VALUE, 1e300, "9".repeat(50)));
                return bad(kind, props("application/json", h), utf8(body));
            }
            case "invalid-utf8": {
                byte[] evil = (byte[]) pick(random, new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF, (byte) 0xFE},
                        new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0x80});
                byte[] body = concat(utf8("{\"method\": \"nosuch"), evil, utf8("\", \"ticket\": \"" + UUID.randomUUID()
                        + "\", \"reply_to\": {\"exchange\": \"reply." + namespace + ".pidbox\", \"routing_key\": \"" + replyKey
                        + "\"}, \"arguments\": {\"s\": \""), evil, utf8("\\ud800\"}}"));
                return bad(kind, json(), body);
            }
            case "bad-headers": {
                Map<String, Object> h = new HashMap<>();
                h.put("clock", pick(random, "abc", -5, List.of(1), Map.of("a", 1), true, 1.5, null));
                h.put("expires", pick(random, "soon", 0, -1.0, 1.0, List.of(), 1e300));
                h.put("ticket", pick(random, 5, "forged"));
                AMQP.BasicProperties p = random.nextInt(4) == 0
                        ? new AMQP.BasicProperties.Builder().contentType("application/json").build()
                        : props("application/json", h);
                b = unknownRequest();
                if (random.nextBoolean()) {
                    b.put("method", "threads"); // expired or not, refused for its arguments
                    b.put("arguments", Map.of("locks", "maybe"));
                }
                return bad(kind, p, b);
            }
            case "not-an-object":
                return bad(kind, json(), utf8((String) pick(random, "[]", "\"ping\"", "42", "null", "true", "[{\"method\":"
                        + " \"ping\"}]", "\"\"", "{}", "{\"method\": null}", " ")));
            default: { // odd-json
                String ticket = UUID.randomUUID().toString();
                String rt = "\"reply_to\": {\"exchange\": \"reply." + namespace + ".pidbox\", \"routing_key\": \"" + replyKey
                        + "\"}";
                String body = (String) pick(random,
                        "{\"method\": \"ping\", \"method\": \"nosuch_dup\", \"ticket\": \"" + ticket + "\", " + rt + "}",
                        "\ufeff{\"method\": \"nosuch_bom\", \"ticket\": \"" + ticket + "\", " + rt + "}",
                        "{\"method\": \"nosuch_nan\", \"arguments\": {\"x\": NaN}, \"ticket\": \"" + ticket + "\", " + rt + "}",
                        "{/* c */ \"method\": \"nosuch_comment\", \"ticket\": \"" + ticket + "\", " + rt + "}",
                        "{'method': 'nosuch_single', 'ticket': '" + ticket + "'}",
                        "{\"method\": \"nosuch_trailing\", \"ticket\": \"" + ticket + "\", " + rt + "} garbage",
                        "{\"method\": \"nosuch_ctrl\u0001\", \"ticket\": \"" + ticket + "\", " + rt + "}");
                if (random.nextInt(5) == 0) {
                    return bad(kind, json(), body.getBytes(StandardCharsets.UTF_16));
                }
                return bad(kind, json(), utf8(body));
            }
        }
    }
}
