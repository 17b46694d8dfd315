package dev.pidbox.it.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A host whose hot spots are known, one thread per argument: {@code spin} ({@link #spin}, CPU-bound), {@code extra}
 * (a second CPU-bound thread in {@link #extraHot}), {@code nap} (sleeping in {@link #nap}), {@code block} (BLOCKED
 * on a monitor in {@link #waitForLock} that another thread holds), {@code alloc} (allocating {@link Payload}s in
 * {@link #allocate}), {@code deep} (10,000 frames of {@link #recurse}, then parked). Prints {@code READY <pid>} and
 * runs until its standard input closes.
 */
public final class HotSpotApp {
    static final Object LOCK = new Object();
    static volatile long sink;
    static volatile Object kept;

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
                case "deep" -> new Thread(null, () -> recurse(10_000), "hot-deep", 256L << 20);
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

    /** Allocates about 8 MB/s of Payloads, pausing between bursts so that it is no CPU hot spot. */
    static void allocate() {
        List<Payload> list = new ArrayList<>();
        while (true) {
            for (int i = 0; i < 1000; i++) {
                list.add(new Payload(i));
            }
            kept = list;
            list = new ArrayList<>();
            LockSupport.parkNanos(10_000_000L);
        }
    }

    static void recurse(int depth) {
        if (depth > 0) {
            recurse(depth - 1);
            return;
        }
        LockSupport.park();
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
