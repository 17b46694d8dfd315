package dev.pidbox.spi;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one owner of every thread pidbox starts, in the library, jmx-handlers and the agent. Every thread is a
 * daemon with a name starting {@code pidbox-}, so nothing pidbox starts keeps a host JVM alive and a thread dump
 * says whose each thread is. Pools end idle threads; nothing here uses a host's pools (such as
 * {@code ForkJoinPool.commonPool()}).
 */
public final class Threads {
    /** The ids of the threads made here that have not ended (thread ids are never reused). */
    private static final Set<Long> OWN = ConcurrentHashMap.newKeySet();
    private static final long TIMER_KEEP_ALIVE_SECONDS = 10;
    private static final long BACKGROUND_KEEP_ALIVE_SECONDS = 30;

    private static final ScheduledThreadPoolExecutor TIMER = newTimer();
    private static final ThreadPoolExecutor BACKGROUND = newPool("pidbox-background", 1,
            new LinkedBlockingQueue<Runnable>(), BACKGROUND_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);

    private Threads() {
    }

    /** Named daemon threads {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return r -> daemon(r, prefix + "-" + counter.incrementAndGet());
    }

    /** Starts {@code body} on a new daemon thread called {@code name}. */
    public static Thread start(String name, Runnable body) {
        Thread t = daemon(body, name);
        t.start();
        return t;
    }

    /** A daemon thread called {@code name} that runs {@code body}, not yet started. */
    public static Thread unstarted(String name, Runnable body) {
        return daemon(body, name);
    }

    /**
     * The shared timer (one daemon thread, {@code pidbox-timer-N}, which ends when idle) for time limits and
     * delayed retries. Tasks must be short: they share the one thread.
     */
    public static ScheduledExecutorService timer() {
        return TIMER;
    }

    /**
     * Runs short tasks off the caller's thread, one at a time, in order ({@code pidbox-background-N}, ended when
     * idle): for work that must not run on an amqp-client callback thread, such as publishing from one.
     */
    public static Executor background() {
        return BACKGROUND;
    }

    /**
     * A pool of {@code threads} daemon threads named {@code prefix-N} that end after {@code keepAlive} idle, with a
     * queue of {@code queueCapacity} tasks (unbounded when negative); a full queue rejects.
     */
    public static ThreadPoolExecutor pool(String prefix, int threads, int queueCapacity, long keepAlive,
            TimeUnit unit) {
        BlockingQueue<Runnable> queue = queueCapacity < 0 ? new LinkedBlockingQueue<Runnable>()
                : new ArrayBlockingQueue<Runnable>(Math.max(1, queueCapacity));
        return newPool(prefix, threads, queue, keepAlive, unit);
    }

    private static ThreadPoolExecutor newPool(String prefix, int threads, BlockingQueue<Runnable> queue,
            long keepAlive, TimeUnit unit) {
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, keepAlive, unit, queue, factory(prefix));
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, factory("pidbox-timer"));
        t.setRemoveOnCancelPolicy(true);
        t.setKeepAliveTime(TIMER_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    /**
     * Whether the thread with this id was started by pidbox. Names alone do not tell: amqp-client renames the thread
     * that reads a connection to {@code AMQP Connection host:port}, as it does a host application's own.
     */
    public static boolean isOwn(long threadId) {
        return OWN.contains(threadId);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } finally {
                OWN.remove(Thread.currentThread().getId());
            }
        }, name);
        t.setDaemon(true);
        OWN.add(t.getId());
        return t;
    }
}
