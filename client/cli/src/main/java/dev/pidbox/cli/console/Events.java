package dev.pidbox.cli.console;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server-sent event stream's subscribers. Each has a bounded queue of frames; one that falls 64 frames behind
 * (a stalled browser tab) is dropped rather than let the console's memory grow: its stream ends, and the browser's
 * EventSource reconnects and starts again from the latest fleet document. At most {@code maxClients} at once.
 */
final class Events {
    /** One subscriber. */
    static final class Client {
        final BlockingQueue<String> frames = new ArrayBlockingQueue<>(64);
        volatile boolean dropped;
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

    /** Sends one event (its data a single line of JSON) to every subscriber. */
    void publish(String event, String json) {
        publishFrame(frame(event, json));
    }

    /** Sends one ready frame to every subscriber. */
    void publishFrame(String frame) {
        for (Client c : clients) {
            if (!c.frames.offer(frame)) {
                c.dropped = true;
            }
        }
    }

    static String frame(String event, String json) {
        return "event: " + event + "\ndata: " + json + "\n\n";
    }
}
