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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

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
 * {@code mbean.allow} and {@code mbean.deny} take {@code ObjectName-pattern#attribute-or-operation-glob}
 * and apply to the {@code mbean.*} handlers. Key rules apply when the node checks signatures.
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
    private final List<String[]> mbeanAllow;
    private final List<String[]> mbeanDeny;
    private final Map<String, Set<Tier>> keyTiers;
    private final String source;

    private Policy(Map<Tier, Boolean> tiers, List<String> allow, List<String> deny, List<String[]> mbeanAllow,
            List<String[]> mbeanDeny, Map<String, Set<Tier>> keyTiers, String source) {
        this.tiers = tiers;
        this.allow = allow;
        this.deny = deny;
        this.mbeanAllow = mbeanAllow;
        this.mbeanDeny = mbeanDeny;
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
                Collections.<String[]>emptyList(), Collections.<String[]>emptyList(), keys, "defaults");
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
                Collections.<String[]>emptyList(), Collections.<String[]>emptyList(), keys, "allow-all");
    }

    /**
     * Loads a policy file. A missing or unreadable file gives {@link #defaults()} (fail closed) and the
     * problem is returned through {@code problems}; a malformed one throws.
     *
     * @throws IllegalArgumentException for a line that cannot be understood
     */
    public static Policy load(Path file, List<String> problems) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.add("policy file " + file + " cannot be read (" + e + "); refusing mutate and dangerous");
            return defaults();
        }
        return parse(new StringReader(text), file.toString());
    }

    public static Policy parse(Reader reader, String source) {
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
        List<String[]> mbeanAllow = new ArrayList<>();
        List<String[]> mbeanDeny = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            String value = stripComment(p.getProperty(key));
            if (key.startsWith("tier.")) {
                Tier tier = Tier.fromWireName(key.substring(5));
                tiers.put(tier, allowOrDeny(key, value, source));
            } else if (key.equals("allow")) {
                allow.addAll(list(value));
            } else if (key.equals("deny")) {
                deny.addAll(list(value));
            } else if (key.equals("mbean.allow")) {
                mbeanAllow.addAll(mbeanRules(value, source));
            } else if (key.equals("mbean.deny")) {
                mbeanDeny.addAll(mbeanRules(value, source));
            } else if (key.startsWith("key.") && key.endsWith(".tiers")) {
                Set<Tier> set = EnumSet.noneOf(Tier.class);
                for (String t : list(value)) {
                    set.add(Tier.fromWireName(t));
                }
                keys.put(key.substring(4, key.length() - 6), set);
            } else {
                throw new IllegalArgumentException("policy " + source + ": unknown key '" + key
                        + "' (known: tier.<tier>, allow, deny, mbean.allow, mbean.deny, key.<name>.tiers)");
            }
        }
        return new Policy(tiers, allow, deny, mbeanAllow, mbeanDeny, keys, source);
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

    private static List<String[]> mbeanRules(String value, String source) {
        List<String[]> out = new ArrayList<>();
        for (String rule : value.split(";")) {
            rule = rule.trim();
            if (rule.isEmpty()) {
                continue;
            }
            int hash = rule.lastIndexOf('#');
            String name = hash < 0 ? rule : rule.substring(0, hash);
            String member = hash < 0 ? "*" : rule.substring(hash + 1);
            try {
                new ObjectName(name);
            } catch (MalformedObjectNameException e) {
                throw new IllegalArgumentException("policy " + source + ": bad ObjectName pattern '" + name + "': "
                        + e.getMessage());
            }
            out.add(new String[] {name, member});
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
     * @param arguments the request's arguments (for {@code mbean.*}: {@code name}, {@code attribute},
     *     {@code operation})
     * @param keyName the signing key's name and id ({@code name}, {@code id}), or null for an unsigned
     *     request on a node that does not check signatures
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
        if (method.startsWith("mbean.") && arguments != null) {
            String target = mbeanTarget(arguments);
            Object name = arguments.get("name");
            if (name instanceof String) {
                for (String[] rule : mbeanDeny) {
                    if (mbeanMatches(rule, (String) name, target)) {
                        return new Decision(false, "MBean " + name + (target == null ? "" : "#" + target)
                                + " is denied by policy");
                    }
                }
                for (String[] rule : mbeanAllow) {
                    if (mbeanMatches(rule, (String) name, target)) {
                        return ALLOW;
                    }
                }
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

    private static String mbeanTarget(Map<String, Object> arguments) {
        Object op = arguments.get("operation");
        if (op instanceof String) {
            return (String) op;
        }
        Object attr = arguments.get("attribute");
        return attr instanceof String ? (String) attr : null;
    }

    private static boolean mbeanMatches(String[] rule, String name, String target) {
        try {
            ObjectName pattern = new ObjectName(rule[0]);
            if (!pattern.apply(new ObjectName(name))) {
                return false;
            }
        } catch (MalformedObjectNameException e) {
            return false;
        }
        return rule[1].equals("*") || target != null && Matchers.matches(MatchType.GLOB, rule[1], target);
    }
}
