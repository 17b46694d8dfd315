package dev.pidbox.fleet;

import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Reply;
import dev.pidbox.ReplyListener;
import dev.pidbox.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Fleet operations over one mailbox: selecting nodes (by tags too), gathering with progress, and finding and
 * reaching the nodes of a {@link Rollout}. Holds no state but the {@link Caller}; safe to share.
 */
public final class Fleet {
    private final Caller caller;

    /** A fleet reached through {@code caller} (a fake one in tests). */
    public Fleet(Caller caller) {
        this.caller = Objects.requireNonNull(caller, "caller");
    }

    /** The fleet behind {@code mailbox}, reached with {@link Mailbox#call(Request, ReplyListener)}. */
    public static Fleet of(Mailbox mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        return new Fleet(mailbox::call);
    }

    Caller caller() {
        return caller;
    }

    /** Starts describing a gather of {@code method}; finish with {@link Gather.Builder#prepare()}. */
    public Gather.Builder gather(String method) {
        return new Gather.Builder(this, method);
    }

    /**
     * The names of the nodes that {@code selector} picks by name and pattern and whose tags match, learned from a
     * {@code runtime} gather that waits {@code timeout}; sorted. Error answers (kombu and Celery nodes have no
     * {@code runtime}) never match.
     */
    public List<String> withTags(Selector selector, Duration timeout) {
        CallResult r = caller.call(selector.request("runtime").timeout(timeout).build(), null);
        TreeSet<String> names = new TreeSet<>();
        for (Reply reply : r.replies()) {
            if (!reply.isError() && selector.matchesTags(reply.value())) {
                names.add(reply.node());
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * The nodes a rollout goes to: with tags, those that match ({@link #withTags}); else the names as given (each
     * once, in order); else the nodes that answer a {@code ping} gather within {@code timeout}, sorted.
     */
    public List<String> discover(Selector selector, Duration timeout) {
        if (selector.hasTags()) {
            return withTags(selector, timeout);
        }
        if (!selector.nodeNames().isEmpty()) {
            return new ArrayList<>(new LinkedHashSet<>(selector.nodeNames()));
        }
        CallResult r = caller.call(selector.request("ping").timeout(timeout).build(), null);
        return new ArrayList<>(new TreeSet<>(r.answered()));
    }

    /** A rollout step that calls {@code method} on a step's nodes by name and gathers for {@code timeout}. */
    public RolloutStep step(String method, Map<String, ?> arguments, Duration timeout) {
        return nodes -> caller.call(Request.builder(method).arguments(arguments).destination(nodes).timeout(timeout)
                .build(), null);
    }
}
