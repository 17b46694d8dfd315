package dev.pidbox.cli.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server-sent event stream's subscribers. A subscriber only ever needs the latest fleet document, so that is
 * one slot that a newer document replaces (a slow browser skips refreshes instead of queueing 440 kB documents);
 * journal and rollout events, small and each worth having, queue up to 4096 per subscriber. One that falls that far
 * behind (a stalled tab) is dropped rather than let the console's memory grow: its stream ends, and the browser's
 * EventSource reconnects and starts again from the latest fleet document. At most {@code maxClients} at once.
 */
final class Events {
    /** One subscriber. */
    static final class Client {
        private final BlockingQueue<String> frames = new ArrayBlockingQueue<>(4096);
        private final AtomicReference<String> fleet = new AtomicReference<>();
        private final Semaphore wake = new Semaphore(0);
        volatile boolean dropped;

        /**
         * What to write next, in order (queued events, then the latest fleet document); empty after
         * {@code timeoutMillis} with nothing new.
         */
        List<String> next(long timeoutMillis) throws InterruptedException {
            List<String> out = new ArrayList<>();
            if (!wake.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                return out;
            }
            wake.drainPermits();
            frames.drainTo(out);
            String f = fleet.getAndSet(null);
            if (f != null) {
                out.add(f);
            }
            return out;
        }
    }

    private final int maxClients;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();

    Events(int maxClients) {
        this.maxClients = maxClients;
    }

    /** A new subscriber, or null when there are already {@code maxClients}. */
    synchronized Client join() {
        if (clients.size() >= maxClients) {
            return null;
        }
        Client c = new Client();
        clients.add(c);
        return c;
    }

    void leave(Client c) {
        clients.remove(c);
    }

    int size() {
        return clients.size();
    }

    /** Queues one event (its data a single line of JSON) for every subscriber. */
    void publish(String event, String json) {
        String frame = frame(event, json);
        for (Client c : clients) {
            if (!c.frames.offer(frame)) {
                c.dropped = true;
            }
            c.wake.release();
        }
    }

    /** Puts a ready fleet frame in every subscriber's slot, replacing one not yet written. */
    void publishFleet(String frame) {
        for (Client c : clients) {
            c.fleet.set(frame);
            c.wake.release();
        }
    }

    static String frame(String event, String json) {
        return "event: " + event + "\ndata: " + json + "\n\n";
    }
}
