package dev.pidbox.security;

import dev.pidbox.Tier;
import java.util.List;
import java.util.Map;

/**
 * Rules another module adds to the {@link Policy} file: keys of its own, and a say on each request. The module that
 * serves a family of handlers knows what their arguments mean (pidbox-jmx-handlers reads {@code mbean.allow} and
 * {@code mbean.deny} for the {@code mbean.*} handlers); the policy itself knows only handler names, tiers and keys.
 *
 * <p>Hand extensions to {@link Policy#parse} or {@link Policy#load}. Without an extension, its keys are unknown keys
 * of the file, which are errors.
 */
public interface PolicyExtension {
    /**
     * The policy-file keys this extension reads, such as {@code mbean.allow}. They may not be the policy's own keys
     * ({@code tier.*}, {@code allow}, {@code deny}, {@code key.*}) nor another extension's.
     */
    List<String> keys();

    /**
     * Reads this extension's lines of one policy file.
     *
     * @param values the value of each of {@link #keys()} that the file sets, trimmed and without a trailing
     *     {@code #} comment; keys the file does not set are absent
     * @param source where the file came from, for error messages
     * @return the rule the policy consults for every request
     * @throws IllegalArgumentException for a value that cannot be understood, naming {@code source}
     */
    Rule rule(Map<String, String> values, String source);

    /** An extension's say on one request. */
    interface Rule {
        /**
         * Decides a request that the policy's {@code deny} globs and key tiers let through, before its {@code allow}
         * globs and tiers are consulted.
         *
         * @param method the handler name
         * @param tier the handler's tier
         * @param arguments the request's arguments, or null when there are none to look at
         * @return {@link Policy.Decision#deny(String)} to refuse, {@link Policy.Decision#allow()} to allow whatever
         *     the tier, or null to leave the request to the rest of the policy
         */
        Policy.Decision decide(String method, Tier tier, Map<String, Object> arguments);
    }
}
