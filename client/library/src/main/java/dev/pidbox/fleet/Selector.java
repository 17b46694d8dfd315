package dev.pidbox.fleet;

import dev.pidbox.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which nodes a command is for: exact names, a shell glob or a (Python) regular expression on the name, and tags
 * ({@code key=value} pairs a node declares, a pidbox extension). Immutable; each method returns a new selector:
 * {@code Selector.all().glob("orders.*").where("env", "prod")}.
 *
 * <p>Names, glob and regex become the request's destination, pattern and matcher, as kombu has them: names win
 * over a pattern, and a glob over a regex. Tags are selected client-side: {@link Fleet#withTags} gathers
 * {@code runtime} from the nodes the rest picks and keeps those whose {@code tags} hold every pair. kombu and
 * Celery nodes have no tags, so a selector with tags never picks them.
 */
public final class Selector {
    private static final Selector ALL = new Selector(Collections.<String>emptyList(), null, null,
            Collections.<String, String>emptyMap());

    private final List<String> names;
    private final String glob;
    private final String regex;
    private final Map<String, String> tags;

    private Selector(List<String> names, String glob, String regex, Map<String, String> tags) {
        this.names = names;
        this.glob = glob;
        this.regex = regex;
        this.tags = tags;
    }

    /** Every node (a broadcast). */
    public static Selector all() {
        return ALL;
    }

    /**
     * This selector with exact node names (replacing any it had); an empty list names none. Names are checked where
     * they become a request's destination.
     */
    public Selector names(List<String> nodes) {
        return new Selector(Collections.unmodifiableList(new ArrayList<>(nodes)), glob, regex, tags);
    }

    /** This selector with exact node names (replacing any it had). */
    public Selector names(String... nodes) {
        return names(Arrays.asList(nodes));
    }

    /**
     * This selector with a shell glob ({@code *}, {@code ?}, {@code [seq]}) that a node's whole name must match;
     * null for none.
     */
    public Selector glob(String pattern) {
        return new Selector(names, pattern, regex, tags);
    }

    /**
     * This selector with a (Python syntax) regular expression that a node's name must start with a match of; null
     * for none.
     */
    public Selector regex(String pattern) {
        return new Selector(names, glob, pattern, tags);
    }

    /** This selector with one more tag a node must have ({@code key=value}; all must match). */
    public Selector where(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Map<String, String> more = new LinkedHashMap<>(tags);
        more.put(key, value);
        return new Selector(names, glob, regex, Collections.unmodifiableMap(more));
    }

    /** This selector with more tags a node must have (all must match). */
    public Selector where(Map<String, String> pairs) {
        Selector out = this;
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            out = out.where(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The exact node names; empty when none are given. */
    public List<String> nodeNames() {
        return names;
    }

    /** The shell glob on node names, or null. */
    public String globPattern() {
        return glob;
    }

    /** The regular expression on node names, or null. */
    public String regexPattern() {
        return regex;
    }

    /** The tags a node must have; empty when tags do not count. */
    public Map<String, String> tags() {
        return tags;
    }

    /** Whether tags count (then selecting takes a {@code runtime} gather first). */
    public boolean hasTags() {
        return !tags.isEmpty();
    }

    /** Whether this selects every node: no names, no pattern, no tags. */
    public boolean isAll() {
        return names.isEmpty() && glob == null && regex == null && tags.isEmpty();
    }

    /**
     * Sets the destination (the names) or else the pattern and matcher (glob, else regex) on {@code request};
     * tags are not on the wire and are left to {@link Fleet}.
     *
     * @throws IllegalArgumentException when both a glob and a regex are set, or a pattern does not compile
     */
    public Request.Builder applyTo(Request.Builder request) {
        if (glob != null && regex != null) {
            throw new IllegalArgumentException("a selector takes a glob or a regex, not both");
        }
        if (!names.isEmpty()) {
            request.destination(names);
        } else if (glob != null) {
            request.glob(glob);
        } else if (regex != null) {
            request.pcre(regex);
        }
        return request;
    }

    /** A request for {@code method} to the nodes this selects by name and pattern ({@link #applyTo}). */
    public Request.Builder request(String method) {
        return applyTo(Request.builder(method));
    }

    /**
     * Whether a node's {@code runtime} answer has every tag of this selector ({@code tags} there is a map; values
     * are compared as text). An answer without tags matches only a selector without tags.
     */
    public boolean matchesTags(Object runtimeAnswer) {
        Object nodeTags = Groups.valueAt(runtimeAnswer, "tags");
        if (!(nodeTags instanceof Map)) {
            return tags.isEmpty();
        }
        Map<?, ?> t = (Map<?, ?>) nodeTags;
        for (Map.Entry<String, String> e : tags.entrySet()) {
            Object v = t.get(e.getKey());
            if (v == null || !Objects.equals(v.toString(), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Selector{names=" + names + ", glob=" + glob + ", regex=" + regex + ", tags=" + tags + "}";
    }
}
