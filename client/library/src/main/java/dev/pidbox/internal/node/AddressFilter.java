package dev.pidbox.internal.node;

import dev.pidbox.ErrorSink;
import dev.pidbox.MatchType;
import dev.pidbox.internal.IncomingRequest;
import dev.pidbox.internal.Matchers;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * kombu's address filter: a request names its nodes in {@code destination} (a list, or one name), or selects them
 * with {@code pattern} and {@code matcher} (glob or pcre); with neither, it is for every node. A selector this node
 * cannot read is ignored, and said so to the error sink.
 */
public final class AddressFilter {
    private final String hostname;
    private final ErrorSink errorSink;

    public AddressFilter(String hostname, ErrorSink errorSink) {
        this.hostname = hostname;
        this.errorSink = errorSink;
    }

    /** Whether {@code in} is addressed to this node. */
    public boolean selects(IncomingRequest in) {
        Object destination = in.destination();
        if (destination instanceof List && !((List<?>) destination).isEmpty()) {
            return ((List<?>) destination).contains(hostname);
        }
        if (destination instanceof String && !((String) destination).isEmpty()) {
            return hostname.equals(destination);
        }
        Object pattern = in.pattern();
        Object matcher = in.matcher();
        if (!truthy(pattern) || !truthy(matcher)) {
            return true;
        }
        if (!(pattern instanceof String) || !(matcher instanceof String)) {
            ignored("whose pattern or matcher is not a string", null);
            return false;
        }
        MatchType type;
        try {
            type = MatchType.fromWireName((String) matcher);
        } catch (IllegalArgumentException e) {
            ignored("with matcher '" + matcher + "' (not installed: glob and pcre are)", null);
            return false;
        }
        try {
            return Matchers.matches(type, (String) pattern, hostname);
        } catch (IllegalArgumentException e) {
            ignored("with a bad pattern", e);
            return false;
        }
    }

    private void ignored(String why, Throwable cause) {
        errorSink.report("node " + hostname + ": ignored a request " + why, cause);
    }

    /** How a request selected its nodes, for the audit trail. */
    public static String selectorOf(IncomingRequest in) {
        if (in.destination() instanceof List && !((List<?>) in.destination()).isEmpty()) {
            return "destination=" + in.destination();
        }
        if (truthy(in.pattern()) && truthy(in.matcher())) {
            return in.matcher() + "=" + in.pattern();
        }
        return "all";
    }

    /** Python's truth of a decoded JSON value, as kombu tests the selectors. */
    static boolean truthy(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return false;
        }
        if (v instanceof String) {
            return !((String) v).isEmpty();
        }
        if (v instanceof Collection) {
            return !((Collection<?>) v).isEmpty();
        }
        if (v instanceof Map) {
            return !((Map<?, ?>) v).isEmpty();
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue() != 0;
        }
        return true;
    }
}
