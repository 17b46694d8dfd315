package dev.pidbox.jmx;

import dev.pidbox.MatchType;
import dev.pidbox.Tier;
import dev.pidbox.security.Policy;
import dev.pidbox.security.PolicyExtension;
import dev.pidbox.spi.NamePattern;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The policy file's MBean lines, for the {@code mbean.*} handlers of {@link JmxHandlers}:
 * <pre>
 * mbean.allow = java.lang:type=Memory#gc; com.acme:type=Cache,*#clear*
 * mbean.deny = java.lang:type=Runtime#*
 * </pre>
 * Each rule is {@code ObjectName-pattern#attribute-or-operation-glob} (rules separated by {@code ;}; no {@code #}
 * means every member). For an {@code mbean.*} request whose {@code name} matches a rule's pattern and whose
 * {@code operation} (else {@code attribute}) matches its glob, a {@code mbean.deny} rule refuses it
 * ({@code MBean NAME#MEMBER is denied by policy}) and otherwise an {@code mbean.allow} rule allows it whatever its
 * tier. The policy's {@code deny} globs and key tiers are checked before these rules.
 *
 * <p>A node that serves the MBean handlers reads its policy with these rules:
 * <pre>{@code
 * Policy policy = Policy.load(file, problems, new MBeanPolicy());
 * }</pre>
 */
public final class MBeanPolicy implements PolicyExtension {
    private static final String ALLOW = "mbean.allow";
    private static final String DENY = "mbean.deny";
    private static final String METHOD_PREFIX = "mbean.";

    /** Reads {@code mbean.allow} and {@code mbean.deny}. */
    @Override
    public List<String> keys() {
        return Arrays.asList(ALLOW, DENY);
    }

    /**
     * The MBean rules of one policy file.
     *
     * @throws IllegalArgumentException for an ObjectName pattern that is not one
     */
    @Override
    public PolicyExtension.Rule rule(Map<String, String> values, String source) {
        return new Rules(parse(values.get(ALLOW), source), parse(values.get(DENY), source));
    }

    private static List<Map.Entry<ObjectName, String>> parse(String value, String source) {
        if (value == null) {
            return Collections.emptyList();
        }
        List<Map.Entry<ObjectName, String>> out = new ArrayList<>();
        for (String rule : value.split(";")) {
            rule = rule.trim();
            if (rule.isEmpty()) {
                continue;
            }
            int hash = rule.lastIndexOf('#');
            String name = hash < 0 ? rule : rule.substring(0, hash);
            String member = hash < 0 ? "*" : rule.substring(hash + 1);
            try {
                out.add(new SimpleImmutableEntry<>(new ObjectName(name), member));
            } catch (MalformedObjectNameException e) {
                throw new IllegalArgumentException("policy " + source + ": bad ObjectName pattern '" + name + "': "
                        + e.getMessage());
            }
        }
        return out;
    }

    /** Whether a rule (an MBean pattern and a member glob) covers the MBean {@code name} and member {@code target}. */
    private static boolean matches(Map.Entry<ObjectName, String> rule, ObjectName name, String target) {
        String member = rule.getValue();
        return rule.getKey().apply(name)
                && (member.equals("*") || target != null && NamePattern.compile(MatchType.GLOB, member).matches(target));
    }

    /** The rules of one file: deny first, then allow; no say on other handlers or unnamed MBeans. */
    private static final class Rules implements PolicyExtension.Rule {
        private final List<Map.Entry<ObjectName, String>> allow;
        private final List<Map.Entry<ObjectName, String>> deny;

        Rules(List<Map.Entry<ObjectName, String>> allow, List<Map.Entry<ObjectName, String>> deny) {
            this.allow = allow;
            this.deny = deny;
        }

        @Override
        public Policy.Decision decide(String method, Tier tier, Map<String, Object> arguments) {
            if (!method.startsWith(METHOD_PREFIX) || arguments == null || !(arguments.get("name") instanceof String)) {
                return null;
            }
            String name = (String) arguments.get("name");
            ObjectName objectName;
            try {
                objectName = new ObjectName(name);
            } catch (MalformedObjectNameException e) {
                return null;
            }
            String target = target(arguments);
            for (Map.Entry<ObjectName, String> rule : deny) {
                if (matches(rule, objectName, target)) {
                    return Policy.Decision.deny("MBean " + name + (target == null ? "" : "#" + target)
                            + " is denied by policy");
                }
            }
            for (Map.Entry<ObjectName, String> rule : allow) {
                if (matches(rule, objectName, target)) {
                    return Policy.Decision.allow();
                }
            }
            return null;
        }

        private static String target(Map<String, Object> arguments) {
            Object op = arguments.get("operation");
            if (op instanceof String) {
                return (String) op;
            }
            Object attr = arguments.get("attribute");
            return attr instanceof String ? (String) attr : null;
        }
    }
}
