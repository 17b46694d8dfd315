package dev.pidbox.security;

import dev.pidbox.MatchType;
import dev.pidbox.Tier;
import dev.pidbox.internal.Matchers;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What a node lets callers run. Without a file, and when its file is missing or unreadable, it fails
 * closed: {@code read} handlers are allowed, {@code mutate} and {@code dangerous} ones refused.
 *
 * <p>The file is a properties file:
 * <pre>
 * tier.read = allow                     # allow or deny, per tier
 * tier.mutate = deny
 * tier.dangerous = deny
 * allow = reload; set_logger            # handler-name globs allowed whatever their tier
 * deny = heap_dump                      # handler-name globs always refused (wins over everything)
 * mbean.allow = java.lang:type=Memory#gc; com.acme:type=Cache,*#clear
 * mbean.deny = java.lang:type=Runtime#*
 * key.ops.tiers = read, mutate, dangerous    # what a signing key (name or id) may use
 * key.default.tiers = read                   # keys without a line of their own
 * </pre>
 * Key rules apply when the node checks signatures. Other modules add keys of their own through
 * {@link PolicyExtension}s given to {@link #parse} or {@link #load}: the {@code mbean.allow} and {@code mbean.deny}
 * lines above ({@code ObjectName-pattern#attribute-or-operation-glob}, for the {@code mbean.*} handlers) are read by
 * {@code dev.pidbox.jmx.MBeanPolicy} of pidbox-jmx-handlers, and are unknown keys without it.
 */
public final class Policy {
    /** The outcome for one request. */
    public static final class Decision {
        private final boolean allowed;
        private final String reason;

        private Decision(boolean allowed, String reason) {
            this.allowed = allowed;
            this.reason = reason;
        }

        /** Allowed. */
        public static Decision allow() {
            return ALLOW;
        }

        /**
         * Refused, and why: the text the caller sees after {@code forbidden: }.
         *
         * @throws IllegalArgumentException when {@code reason} is null or empty
         */
        public static Decision deny(String reason) {
            if (reason == null || reason.isEmpty()) {
                throw new IllegalArgumentException("a refusal needs a reason");
            }
            return new Decision(false, reason);
        }

        /** Whether the request may run. */
        public boolean allowed() {
            return allowed;
        }

        /** Why refused; null when allowed. */
        public String reason() {
            return reason;
        }
    }

    private static final Decision ALLOW = new Decision(true, null);

    private final Map<Tier, Boolean> tiers;
    private final List<String> allow;
    private final List<String> deny;
    private final List<PolicyExtension.Rule> rules;
    private final Map<String, Set<Tier>> keyTiers;
    private final String source;

    private Policy(Map<Tier, Boolean> tiers, List<String> allow, List<String> deny, List<PolicyExtension.Rule> rules,
            Map<String, Set<Tier>> keyTiers, String source) {
        this.tiers = tiers;
        this.allow = allow;
        this.deny = deny;
        this.rules = rules;
        this.keyTiers = keyTiers;
        this.source = source;
    }

    /** Allow read, refuse mutate and dangerous. */
    public static Policy defaults() {
        Map<Tier, Boolean> t = new EnumMap<>(Tier.class);
        t.put(Tier.READ, true);
        t.put(Tier.MUTATE, false);
        t.put(Tier.DANGEROUS, false);
        Map<String, Set<Tier>> keys = new LinkedHashMap<>();
        keys.put("default", EnumSet.of(Tier.READ));
        return new Policy(t, Collections.<String>emptyList(), Collections.<String>emptyList(),
                Collections.<PolicyExtension.Rule>emptyList(), keys, "defaults");
    }

    /** Everything allowed: kombu's behaviour, for nodes embedded in trusted code. */
    public static Policy allowAll() {
        Map<Tier, Boolean> t = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            t.put(tier, true);
        }
        Map<String, Set<Tier>> keys = new LinkedHashMap<>();
        keys.put("default", EnumSet.allOf(Tier.class));
        return new Policy(t, Collections.<String>emptyList(), Collections.<String>emptyList(),
                Collections.<PolicyExtension.Rule>emptyList(), keys, "allow-all");
    }

    /**
     * Loads a policy file. A missing or unreadable file gives {@link #defaults()} (fail closed) and the
     * problem is returned through {@code problems}; a malformed one throws.
     *
     * @param extensions the modules' rules whose keys the file may use (see {@link PolicyExtension})
     * @throws IllegalArgumentException for a line that cannot be understood
     */
    public static Policy load(Path file, List<String> problems, PolicyExtension... extensions) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.add("policy file " + file + " cannot be read (" + e + "); refusing mutate and dangerous");
            return defaults();
        }
        return parse(new StringReader(text), file.toString(), extensions);
    }

    /**
     * Reads a policy file's text.
     *
     * @param source where the text came from, for messages and {@link #source()}
     * @param extensions the modules' rules whose keys the text may use (see {@link PolicyExtension})
     * @throws IllegalArgumentException for a line that cannot be understood, or extensions whose keys clash
     */
    public static Policy parse(Reader reader, String source, PolicyExtension... extensions) {
        Properties p = new Properties();
        try {
            p.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read policy " + source + ": " + e.getMessage(), e);
        }
        Policy base = defaults();
        Map<Tier, Boolean> tiers = new EnumMap<>(base.tiers);
        Map<String, Set<Tier>> keys = new LinkedHashMap<>(base.keyTiers);
        List<String> allow = new ArrayList<>();
        List<String> deny = new ArrayList<>();
        Set<String> extensionKeys = extensionKeys(extensions);
        for (String key : p.stringPropertyNames()) {
            String value = stripComment(p.getProperty(key));
            if (key.startsWith("tier.")) {
                Tier tier = Tier.fromWireName(key.substring(5));
                tiers.put(tier, allowOrDeny(key, value, source));
            } else if (key.equals("allow")) {
                allow.addAll(list(value));
            } else if (key.equals("deny")) {
                deny.addAll(list(value));
            } else if (extensionKeys.contains(key)) {
                continue; // read by its extension, below
            } else if (key.startsWith("key.") && key.endsWith(".tiers")) {
                Set<Tier> set = EnumSet.noneOf(Tier.class);
                for (String t : list(value)) {
                    set.add(Tier.fromWireName(t));
                }
                keys.put(key.substring(4, key.length() - 6), set);
            } else {
                throw new IllegalArgumentException("policy " + source + ": unknown key '" + key
                        + "' (known: tier.<tier>, allow, deny, " + knownExtensionKeys(extensions)
                        + "key.<name>.tiers)");
            }
        }
        List<PolicyExtension.Rule> rules = new ArrayList<>();
        for (PolicyExtension extension : extensions) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String key : extension.keys()) {
                if (p.getProperty(key) != null) {
                    values.put(key, stripComment(p.getProperty(key)));
                }
            }
            rules.add(extension.rule(values, source));
        }
        return new Policy(tiers, allow, deny, rules, keys, source);
    }

    /** The extensions' keys, none of which may be the policy's own or another extension's. */
    private static Set<String> extensionKeys(PolicyExtension[] extensions) {
        Set<String> out = new LinkedHashSet<>();
        for (PolicyExtension extension : extensions) {
            for (String key : extension.keys()) {
                if (isOwnKey(key) || !out.add(key)) {
                    throw new IllegalArgumentException("policy key '" + key + "' of " + extension.getClass().getName()
                            + " is already the policy's or another extension's");
                }
            }
        }
        return out;
    }

    private static boolean isOwnKey(String key) {
        return key.startsWith("tier.") || key.equals("allow") || key.equals("deny") || key.startsWith("key.");
    }

    private static String knownExtensionKeys(PolicyExtension[] extensions) {
        StringBuilder out = new StringBuilder();
        for (PolicyExtension extension : extensions) {
            for (String key : extension.keys()) {
                out.append(key).append(", ");
            }
        }
        return out.toString();
    }

    private static String stripComment(String v) {
        int hash = v.indexOf(" #");
        return (hash >= 0 ? v.substring(0, hash) : v).trim();
    }

    private static boolean allowOrDeny(String key, String value, String source) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("allow")) {
            return true;
        }
        if (v.equals("deny")) {
            return false;
        }
        throw new IllegalArgumentException("policy " + source + ": " + key + " must be allow or deny, got '" + value + "'");
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split("[;,]")) {
            if (!part.trim().isEmpty()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** Where this policy came from (a file, or {@code defaults}). */
    public String source() {
        return source;
    }

    /**
     * Decides one request.
     *
     * @param method the handler name
     * @param tier the handler's tier
     * @param arguments the request's arguments, which {@link PolicyExtension} rules may look at
     * @param keyName the signing key's name and id ({@code name}, {@code id}), or null for an unsigned
     *     request on a node that does not check signatures
     * @return allowed, or refused with the reason
     */
    public Decision decide(String method, Tier tier, Map<String, Object> arguments, String keyName, String keyId) {
        for (String g : deny) {
            if (Matchers.matches(MatchType.GLOB, g, method)) {
                return new Decision(false, "handler '" + method + "' is denied by policy");
            }
        }
        if (keyId != null) {
            Set<Tier> allowed = keyTiers.get(keyName);
            if (allowed == null) {
                allowed = keyTiers.get(keyId);
            }
            if (allowed == null) {
                allowed = keyTiers.getOrDefault("default", EnumSet.of(Tier.READ));
            }
            if (!allowed.contains(tier)) {
                return new Decision(false, "key " + keyName + " may not use " + tier.wireName() + " handlers");
            }
        }
        boolean tierAllowed = tiers.getOrDefault(tier, false);
        for (PolicyExtension.Rule rule : rules) {
            Decision said = rule.decide(method, tier, arguments);
            if (said != null) {
                return said;
            }
        }
        for (String g : allow) {
            if (Matchers.matches(MatchType.GLOB, g, method)) {
                return ALLOW;
            }
        }
        if (!tierAllowed) {
            return new Decision(false, "handler '" + method + "' is " + tier.wireName()
                    + " and the policy (" + source + ") does not allow " + tier.wireName() + " handlers");
        }
        return ALLOW;
    }
}
