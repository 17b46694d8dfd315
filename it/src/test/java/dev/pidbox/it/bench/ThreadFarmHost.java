package dev.pidbox.it.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A host JVM for the host-pause benchmark: {@code ThreadFarmHost THREADS DEPTH} starts THREADS parked threads, each
 * DEPTH frames deep with a monitor at the bottom frame (half hold it while parked, half wait on it) (a thread dump has to walk them all), and one thread
 * that sleeps 1 ms in a loop and records how late it woke: the worst delay a request to this JVM caused. Prints
 * {@code READY <pid>}; on stdin, {@code reset} collects the heap and zeroes the worst delay (answers {@code OK}), {@code max} answers
 * {@code MAX <microseconds>}; EOF ends it.
 */
public final class ThreadFarmHost {
    private static final AtomicLong WORST_NANOS = new AtomicLong();

    private ThreadFarmHost() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int depth = Integer.parseInt(args[1]);
        CountDownLatch parked = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            int n = i;
            Thread t = new Thread(() -> descend(depth, n, parked), "farm-" + (n % 50) + "-worker-" + n);
            t.setDaemon(true);
            t.start();
        }
        parked.await();
        Thread sleeper = new Thread(ThreadFarmHost::sleeper, "farm-1ms-sleeper");
        sleeper.setDaemon(true);
        sleeper.start();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("reset")) {
                // Start each measurement with an empty young generation, so that a collection the previous request
                // made due is not charged to the next one.
                System.gc();
                Thread.sleep(50);
                WORST_NANOS.set(0);
                System.out.println("OK");
            } else if (line.equals("max")) {
                System.out.println("MAX " + WORST_NANOS.get() / 1000);
            }
            System.out.flush();
        }
    }

    private static void descend(int depth, int n, CountDownLatch parked) {
        if (depth > 1) {
            descend(depth - 1, n, parked);
            return;
        }
        Object lock = new Object();
        synchronized (lock) {
            parked.countDown();
            if (n % 2 == 0) {
                // parked while holding the monitor: the dump shows it locked
                while (!Thread.currentThread().isInterrupted()) {
                    LockSupport.park();
                }
                return;
            }
            try {
                lock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleeper() {
        while (true) {
            long t0 = System.nanoTime();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            long late = System.nanoTime() - t0 - 1_000_000;
            WORST_NANOS.accumulateAndGet(late, Math::max);
        }
    }
}
