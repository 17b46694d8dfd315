package dev.pidbox.internal.node;

import dev.pidbox.CallObserver;
import dev.pidbox.ErrorSink;
import dev.pidbox.internal.PyRepr;
import dev.pidbox.spi.Threads;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The execute step's threads: a small bounded pool of daemon threads per node (created on first use, ended by
 * {@link #close()}), a quick lane that runs on the principal's thread, and a time limit per job. A job answers once:
 * with its own outcome, or with a timeout when it runs past its limit (it is then interrupted, and the pool grows
 * by one thread, up to 8, so that a stuck handler does not starve the others).
 */
public final class Runner {
    private static final int MAX_STUCK = 8;
    private static final long IDLE_SECONDS = 30;

    private final String hostname;
    private final int threads;
    private final int queueCapacity;
    private final ErrorSink errorSink;
    private final Object lock = new Object();
    private ThreadPoolExecutor pool; // guarded by lock
    private boolean closed; // guarded by lock
    private int stuck; // guarded by lock

    public Runner(String hostname, int threads, int queueCapacity, ErrorSink errorSink) {
        this.hostname = hostname;
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        this.errorSink = errorSink;
    }

    /**
     * Runs {@code work} and hands its outcome, or a timeout outcome after {@code limit}, to {@code done}, exactly
     * once. Quick jobs run here, on the principal's thread, without a time limit.
     *
     * @throws Refused {@code busy} when every thread is taken and the queue is full, or the node is closed
     */
    public void execute(String method, boolean quick, Duration limit, Supplier<Outcome> work,
            Consumer<Outcome> done) throws Refused {
        if (quick) {
            done.accept(work.get());
            return;
        }
        Job job = new Job(method, work, done);
        Future<?> future;
        try {
            future = pool().submit(job);
        } catch (RejectedExecutionException e) {
            errorSink.report("node " + hostname + ": handler pool full, refused '" + method + "'", null);
            throw new Refused(CallObserver.BUSY, PyRepr.error("RuntimeError", "node busy: " + queueCapacity
                    + " commands already queued, try again later"));
        }
        job.watch(future, limit);
    }

    /** Runs {@code task} on the node's pool (for broker round trips that must not hold the shared timer). */
    public Executor executor() {
        return task -> pool().execute(task);
    }

    /** Ends the threads: running jobs get 2 s to finish, then are interrupted. Idempotent. */
    public void close() {
        ThreadPoolExecutor p;
        synchronized (lock) {
            closed = true;
            p = pool;
            pool = null;
        }
        if (p == null) {
            return;
        }
        p.shutdown();
        try {
            if (!p.awaitTermination(2, TimeUnit.SECONDS)) {
                p.shutdownNow();
            }
        } catch (InterruptedException e) {
            p.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private ThreadPoolExecutor pool() {
        synchronized (lock) {
            if (closed) {
                throw new RejectedExecutionException("node " + hostname + " is closed");
            }
            if (pool == null) {
                pool = Threads.pool("pidbox-handler-" + hostname, threads, queueCapacity, IDLE_SECONDS,
                        TimeUnit.SECONDS);
            }
            return pool;
        }
    }

    /** A handler thread is stuck past its limit: let the pool grow by one (up to 8 extra) so others run. */
    private void addStuckThread() {
        synchronized (lock) {
            if (pool == null || stuck >= MAX_STUCK) {
                return;
            }
            stuck++;
            pool.setMaximumPoolSize(threads + stuck);
            pool.setCorePoolSize(threads + stuck);
        }
    }

    private void releaseStuckThread() {
        synchronized (lock) {
            if (pool == null || stuck == 0) {
                return;
            }
            stuck--;
            pool.setCorePoolSize(threads + stuck);
            pool.setMaximumPoolSize(threads + stuck);
        }
    }

    /** One accepted job: runs once, answers once (its outcome or a timeout). */
    private final class Job implements Runnable {
        private final String method;
        private final Supplier<Outcome> work;
        private final Consumer<Outcome> done;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile ScheduledFuture<?> watchdog;
        private volatile boolean overran;

        Job(String method, Supplier<Outcome> work, Consumer<Outcome> done) {
            this.method = method;
            this.work = work;
            this.done = done;
        }

        void watch(Future<?> future, Duration limit) {
            try {
                watchdog = Threads.timer().schedule(() -> timeout(future, limit), limit.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return; // the JVM is shutting down; the job answers for itself
            }
            if (answered.get()) {
                watchdog.cancel(false);
            }
        }

        @Override
        public void run() {
            Outcome outcome = work.get();
            ScheduledFuture<?> w = watchdog;
            if (w != null) {
                w.cancel(false);
            }
            if (overran) {
                releaseStuckThread();
            }
            if (answered.compareAndSet(false, true)) {
                done.accept(outcome);
            }
        }

        private void timeout(Future<?> future, Duration limit) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            boolean running = !future.isDone();
            future.cancel(true);
            if (running) {
                overran = true;
                addStuckThread();
            }
            errorSink.report("node " + hostname + ": handler '" + method + "' ran past " + limit.toMillis()
                    + " ms and was interrupted", null);
            done.accept(Outcome.failed(CallObserver.TIMEOUT, PyRepr.error("TimeoutError", method
                    + " exceeded its time limit of " + limit.toMillis() + " ms"), null, limit.toNanos()));
        }
    }
}
