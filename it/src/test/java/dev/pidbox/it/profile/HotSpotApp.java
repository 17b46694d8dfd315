package dev.pidbox.it.profile;

import java.util.concurrent.locks.LockSupport;

/**
 * A host whose hot spots are known, one thread per argument: {@code spin} ({@link #spin}, CPU-bound), {@code extra}
 * (a second CPU-bound thread in {@link #extraHot}), {@code nap} (sleeping in {@link #nap}), {@code block} (BLOCKED
 * on a monitor in {@link #waitForLock} that another thread holds), {@code alloc} (allocating {@link Payload}s in
 * {@link #allocate}), {@code deep} (16 threads 10,000 frames deep in {@link #downA}, each stack its own).
 * Prints {@code READY <pid>} and runs until its standard input closes.
 */
public final class HotSpotApp {
    static final Object LOCK = new Object();
    static volatile long sink;
    static volatile Object kept;
    static final int DEEP_THREADS = 16;

    private HotSpotApp() {
    }

    public static void main(String[] args) throws Exception {
        for (String what : args) {
            Thread t = switch (what) {
                case "spin" -> new Thread(null, HotSpotApp::spin, "hot-spin");
                case "extra" -> new Thread(null, HotSpotApp::extraHot, "hot-extra");
                case "nap" -> new Thread(null, HotSpotApp::nap, "hot-nap");
                case "block" -> {
                    holdLock();
                    yield new Thread(null, HotSpotApp::waitForLock, "hot-blocked");
                }
                case "alloc" -> new Thread(null, HotSpotApp::allocate, "hot-alloc");
                case "deep" -> {
                    for (int i = 1; i < DEEP_THREADS; i++) {
                        int pattern = i;
                        Thread d = new Thread(null, () -> downA(10_000, pattern), "hot-deep-" + i, 64L << 20);
                        d.setDaemon(true);
                        d.start();
                    }
                    yield new Thread(null, () -> downA(10_000, 0), "hot-deep-0", 64L << 20);
                }
                default -> throw new IllegalArgumentException(what);
            };
            t.setDaemon(true);
            t.start();
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until EOF
        }
    }

    static void spin() {
        long x = 1;
        while (true) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            if ((x & 0xFFFFF) == 0) {
                sink = x;
            }
        }
    }

    static void extraHot() {
        long x = 7;
        while (true) {
            x = x * 2862933555777941757L + 3037000493L;
            if ((x & 0xFFFFF) == 0) {
                sink = x;
            }
        }
    }

    static void nap() {
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void holdLock() throws InterruptedException {
        Object held = new Object();
        Thread holder = new Thread(() -> {
            synchronized (LOCK) {
                synchronized (held) {
                    held.notifyAll();
                }
                LockSupport.park();
            }
        }, "hot-holder");
        holder.setDaemon(true);
        synchronized (held) {
            holder.start();
            held.wait();
        }
    }

    static void waitForLock() {
        synchronized (LOCK) {
            sink++;
        }
    }

    /**
     * Allocates about 8 MB/s of Payloads and nothing else (the array that keeps a burst is reused), pausing between
     * bursts so that it is no CPU hot spot.
     */
    static void allocate() {
        Payload[] burst = new Payload[1000];
        while (true) {
            for (int i = 0; i < burst.length; i++) {
                burst[i] = new Payload(i);
            }
            kept = burst[burst.length - 1];
            LockSupport.parkNanos(10_000_000L);
        }
    }

    /**
     * 10,000 frames of {@code downA} and {@code downB}: {@code downB} where {@code depth % 17 == pattern}, so that each
     * of the {@link #DEEP_THREADS} threads has a stack of its own; parked at the bottom.
     */
    static void downA(int depth, int pattern) {
        if (depth == 0) {
            while (true) {
                LockSupport.park();
            }
        }
        if (depth % 17 == pattern) {
            downB(depth - 1, pattern);
        } else {
            downA(depth - 1, pattern);
        }
    }

    static void downB(int depth, int pattern) {
        downA(depth, pattern);
    }

    /** The allocated class the alloc profile must name. */
    static final class Payload {
        final long a;
        final long b;
        final long c;
        final long d;
        final long e;
        final long f;
        final long g;
        final long h;

        Payload(long v) {
            a = v;
            b = v + 1;
            c = v + 2;
            d = v + 3;
            e = v + 4;
            f = v + 5;
            g = v + 6;
            h = v + 7;
        }
    }
}
