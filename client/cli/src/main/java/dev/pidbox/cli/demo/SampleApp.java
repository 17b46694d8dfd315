package dev.pidbox.cli.demo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JVM that {@code pidbox demo} launches and attaches the agent to: a few named worker threads doing
 * visible work (one computing, one allocating, one waiting for jobs), configured from a properties file that
 * it loads into system properties at start (the agent's {@code reload} re-reads the same file).
 *
 * <p>Prints {@code ready} on stdout once its threads run. Uses only JDK classes.
 */
public final class SampleApp {
    /** The line printed when the app is up. */
    public static final String READY = "pidbox-demo-sample ready";

    private static volatile long sink;

    private SampleApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SampleApp <properties file>");
            System.exit(2);
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            System.err.println("cannot read " + args[0] + ": " + e);
            System.exit(1);
        }
        for (String key : props.stringPropertyNames()) {
            System.setProperty(key, props.getProperty(key));
        }

        BlockingQueue<Integer> jobs = new LinkedBlockingQueue<>();
        start("demo-worker-compute", () -> {
            long x = 0;
            while (true) {
                for (int i = 0; i < 50_000_000; i++) {
                    x += i * 31L ^ (x >>> 3);
                }
                sink = x;
                jobs.offer((int) (x & 0xff));
                sleep(1);
            }
        });
        start("demo-worker-allocate", () -> {
            Deque<byte[]> cache = new ArrayDeque<>();
            while (true) {
                int size = Integer.getInteger("batch.size", 100) * 1024;
                cache.addLast(new byte[Math.max(1024, Math.min(size, 1 << 20))]);
                while (cache.size() > 64) {
                    cache.removeFirst();
                }
                sleep(20);
            }
        });
        start("demo-worker-queue", () -> {
            while (true) {
                try {
                    Integer job = jobs.poll(1, TimeUnit.HOURS);
                    if (job != null) {
                        sink += job;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
