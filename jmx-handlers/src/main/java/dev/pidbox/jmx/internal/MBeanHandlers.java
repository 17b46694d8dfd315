package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import dev.pidbox.spi.ErrorText;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeErrorException;
import javax.management.RuntimeMBeanException;
import javax.management.RuntimeOperationsException;

/**
 * The JMX bridge: {@code mbean.query}, {@code mbean.info}, {@code mbean.get} (with a path into composite,
 * tabular and array values), {@code mbean.set} and {@code mbean.invoke} (the overload chosen from the JSON
 * arguments and the MBeanInfo signatures), all on the platform MBeanServer. The MBeans in
 * {@link MBeanAccess} are always refused.
 */
public final class MBeanHandlers implements HandlerProvider {
    private final MBeanServer explicitServer;

    public MBeanHandlers() {
        this(null);
    }

    /** A bridge to another MBeanServer than the platform one (tests, embedding). */
    MBeanHandlers(MBeanServer server) {
        this.explicitServer = server;
    }

    private MBeanServer server() {
        return explicitServer != null ? explicitServer : ManagementFactory.getPlatformMBeanServer();
    }

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        HandlerDefinition query = HandlerDefinition.builder("mbean.query")
                .description("Names of the MBeans matching an ObjectName pattern")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("pattern", ArgType.STRING, "*:*", "ObjectName pattern, e.g. java.lang:type=*"))
                .handler((ctx, args) -> query(args.getString("pattern")))
                .build();
        HandlerDefinition info = HandlerDefinition.builder("mbean.info")
                .description("An MBean's attributes, operations with signatures, and notifications")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.required("name", ArgType.STRING, "the MBean's ObjectName"))
                .handler((ctx, args) -> info(args.getString("name")))
                .build();
        HandlerDefinition get = HandlerDefinition.builder("mbean.get")
                .description("Reads one attribute (optionally a path into it, as a/b/0), a list of them, or all")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.required("name", ArgType.STRING, "the MBean's ObjectName"))
                .argument(ArgumentSpec.optional("attribute", ArgType.STRING, null, "one attribute; default all readable ones"))
                .argument(ArgumentSpec.optional("attributes", ArgType.LIST, null, "several attributes"))
                .argument(ArgumentSpec.optional("path", ArgType.STRING, null,
                        "keys and indexes into the attribute's value, separated by '/'"))
                .handler((ctx, args) -> get(args.getString("name"), args.getString("attribute"), args.getList("attributes"),
                        args.getString("path")))
                .build();
        HandlerDefinition set = HandlerDefinition.builder("mbean.set")
                .description("Writes an attribute, converting the JSON value to the attribute's type; replies old and new")
                .tier(Tier.MUTATE)
                .strictArguments(true)
                .argument(ArgumentSpec.required("name", ArgType.STRING, "the MBean's ObjectName"))
                .argument(ArgumentSpec.required("attribute", ArgType.STRING, "the attribute to write"))
                .argument(ArgumentSpec.required("value", ArgType.ANY, "the new value"))
                .handler((ctx, args) -> set(args.getString("name"), args.getString("attribute"), args.get("value")))
                .build();
        HandlerDefinition invoke = HandlerDefinition.builder("mbean.invoke")
                .description("Invokes an operation; the overload is chosen from the arguments' JSON types, or by signature")
                .tier(Tier.DANGEROUS)
                .strictArguments(true)
                .argument(ArgumentSpec.required("name", ArgType.STRING, "the MBean's ObjectName"))
                .argument(ArgumentSpec.required("operation", ArgType.STRING, "the operation's name"))
                .argument(ArgumentSpec.optional("arguments", ArgType.LIST, Collections.emptyList(), "positional arguments"))
                .argument(ArgumentSpec.optional("signature", ArgType.LIST, null,
                        "parameter types to pick an overload, e.g. [\"int\", \"java.lang.String\"]"))
                .handler((ctx, args) -> invoke(args.getString("name"), args.getString("operation"), args.getList("arguments"),
                        args.getList("signature")))
                .build();
        return Arrays.asList(query, info, get, set, invoke);
    }

    Map<String, Object> query(String pattern) {
        MBeanServer server = server();
        ObjectName p = MBeanAccess.pattern(pattern);
        Set<String> names = new TreeSet<>();
        int hidden = 0;
        for (ObjectName n : server.queryNames(p, null)) {
            if (MBeanAccess.deniedReason(server, n) != null) {
                hidden++;
            } else {
                names.add(n.getCanonicalName());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pattern", pattern);
        out.put("count", names.size());
        out.put("denied_hidden", hidden);
        out.put("names", new ArrayList<>(names));
        return out;
    }

    Map<String, Object> info(String nameText) throws Exception {
        MBeanServer server = server();
        ObjectName name = allowed(server, nameText);
        MBeanInfo info = jmx(name, () -> server.getMBeanInfo(name));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name.getCanonicalName());
        out.put("class", info.getClassName());
        out.put("description", info.getDescription());
        List<Object> attributes = new ArrayList<>();
        for (MBeanAttributeInfo a : info.getAttributes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", a.getName());
            m.put("type", a.getType());
            m.put("description", a.getDescription());
            m.put("readable", a.isReadable());
            m.put("writable", a.isWritable());
            m.put("is", a.isIs());
            attributes.add(m);
        }
        out.put("attributes", attributes);
        List<Object> operations = new ArrayList<>();
        for (MBeanOperationInfo o : info.getOperations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", o.getName());
            m.put("return_type", o.getReturnType());
            m.put("impact", impact(o.getImpact()));
            m.put("description", o.getDescription());
            List<Object> params = new ArrayList<>();
            for (MBeanParameterInfo p : o.getSignature()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("name", p.getName());
                pm.put("type", p.getType());
                pm.put("description", p.getDescription());
                params.add(pm);
            }
            m.put("signature", params);
            operations.add(m);
        }
        out.put("operations", operations);
        List<Object> notifications = new ArrayList<>();
        for (MBeanNotificationInfo n : info.getNotifications()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.getName());
            m.put("types", Arrays.asList(n.getNotifTypes()));
            m.put("description", n.getDescription());
            notifications.add(m);
        }
        out.put("notifications", notifications);
        return out;
    }

    private static String impact(int impact) {
        switch (impact) {
            case MBeanOperationInfo.INFO: return "info";
            case MBeanOperationInfo.ACTION: return "action";
            case MBeanOperationInfo.ACTION_INFO: return "action_info";
            default: return "unknown";
        }
    }

    Map<String, Object> get(String nameText, String attribute, List<Object> attributes, String path) throws Exception {
        MBeanServer server = server();
        ObjectName name = allowed(server, nameText);
        if (attribute != null && attributes != null) {
            throw new ArgumentException("mbean.get() takes 'attribute' or 'attributes', not both");
        }
        if (path != null && attribute == null) {
            throw new ArgumentException("mbean.get() argument 'path' needs a single 'attribute'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name.getCanonicalName());
        if (attribute != null) {
            Object value = JmxJson.toJson(jmx(name, () -> server.getAttribute(name, attribute)));
            out.put("attribute", attribute);
            if (path != null) {
                out.put("path", path);
                value = JsonPath.navigate(value, path);
            }
            out.put("value", value);
            return out;
        }
        List<String> names = new ArrayList<>();
        MBeanInfo info = jmx(name, () -> server.getMBeanInfo(name));
        if (attributes != null) {
            for (Object a : attributes) {
                if (!(a instanceof String)) {
                    throw new ArgumentException("mbean.get() argument 'attributes' must hold strings, got " + ArgType.jsonTypeOf(a));
                }
                names.add((String) a);
            }
        } else {
            for (MBeanAttributeInfo a : info.getAttributes()) {
                if (a.isReadable()) {
                    names.add(a.getName());
                }
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> errors = new LinkedHashMap<>();
        AttributeList list = jmx(name, () -> server.getAttributes(name, names.toArray(new String[0])));
        for (Attribute a : list.asList()) {
            values.put(a.getName(), JmxJson.toJson(a.getValue()));
        }
        for (String n : names) {
            if (!values.containsKey(n)) {
                try {
                    values.put(n, JmxJson.toJson(jmx(name, () -> server.getAttribute(name, n))));
                } catch (Exception e) {
                    errors.put(n, ErrorText.of(e));
                }
            }
        }
        out.put("values", values);
        if (!errors.isEmpty()) {
            out.put("errors", errors);
        }
        return out;
    }

    Map<String, Object> set(String nameText, String attribute, Object value) throws Exception {
        MBeanServer server = server();
        ObjectName name = allowed(server, nameText);
        MBeanInfo info = jmx(name, () -> server.getMBeanInfo(name));
        MBeanAttributeInfo target = null;
        List<String> writable = new ArrayList<>();
        for (MBeanAttributeInfo a : info.getAttributes()) {
            if (a.getName().equals(attribute)) {
                target = a;
            }
            if (a.isWritable()) {
                writable.add(a.getName());
            }
        }
        if (target == null) {
            throw new ArgumentException("MBean " + name + " has no attribute '" + attribute + "' (writable: " + writable + ")");
        }
        if (!target.isWritable()) {
            throw new ArgumentException("attribute '" + attribute + "' of " + name + " is read-only (writable: " + writable + ")");
        }
        Object converted;
        try {
            converted = JmxJson.fromJson(value, target.getType(), loader(server, name));
        } catch (ArgumentException e) {
            throw new ArgumentException("mbean.set() attribute '" + attribute + "' is " + target.getType() + ": " + e.getMessage());
        }
        Object old = null;
        if (target.isReadable()) {
            old = JmxJson.toJson(jmx(name, () -> server.getAttribute(name, attribute)));
        }
        jmx(name, () -> {
            server.setAttribute(name, new Attribute(attribute, converted));
            return null;
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name.getCanonicalName());
        out.put("attribute", attribute);
        out.put("old", old);
        out.put("new", target.isReadable() ? JmxJson.toJson(jmx(name, () -> server.getAttribute(name, attribute)))
                : JmxJson.toJson(converted));
        return out;
    }

    Map<String, Object> invoke(String nameText, String operation, List<Object> arguments, List<Object> signature)
            throws Exception {
        MBeanServer server = server();
        ObjectName name = allowed(server, nameText);
        List<Object> args = arguments == null ? Collections.emptyList() : arguments;
        MBeanInfo info = jmx(name, () -> server.getMBeanInfo(name));
        ClassLoader loader = loader(server, name);
        List<MBeanOperationInfo> named = new ArrayList<>();
        for (MBeanOperationInfo o : info.getOperations()) {
            if (o.getName().equals(operation)) {
                named.add(o);
            }
        }
        if (named.isEmpty()) {
            Set<String> ops = new TreeSet<>();
            for (MBeanOperationInfo o : info.getOperations()) {
                ops.add(o.getName());
            }
            throw new ArgumentException("MBean " + name + " has no operation '" + operation + "' (operations: " + ops + ")");
        }
        MBeanOperationInfo chosen;
        if (signature != null) {
            List<String> wanted = new ArrayList<>();
            for (Object s : signature) {
                if (!(s instanceof String)) {
                    throw new ArgumentException("mbean.invoke() argument 'signature' must hold type names (strings)");
                }
                wanted.add((String) s);
            }
            chosen = null;
            for (MBeanOperationInfo o : named) {
                if (types(o).equals(wanted)) {
                    chosen = o;
                }
            }
            if (chosen == null) {
                throw new ArgumentException("operation '" + operation + "' has no signature " + wanted + " (signatures: "
                        + signatures(named) + ")");
            }
            if (wanted.size() != args.size()) {
                throw new ArgumentException("signature " + wanted + " takes " + wanted.size() + " arguments, got " + args.size());
            }
        } else {
            chosen = choose(operation, named, args, loader);
        }
        List<String> types = types(chosen);
        Object[] params = new Object[args.size()];
        for (int i = 0; i < params.length; i++) {
            try {
                params[i] = JmxJson.fromJson(args.get(i), types.get(i), loader);
            } catch (ArgumentException e) {
                throw new ArgumentException("argument " + i + " of " + operation + types + ": " + e.getMessage());
            }
        }
        Object result = jmx(name, () -> server.invoke(name, operation, params, types.toArray(new String[0])));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name.getCanonicalName());
        out.put("operation", operation);
        out.put("signature", types);
        out.put("result", JmxJson.toJson(result));
        return out;
    }

    private static MBeanOperationInfo choose(String operation, List<MBeanOperationInfo> named, List<Object> args,
            ClassLoader loader) {
        List<MBeanOperationInfo> best = new ArrayList<>();
        int bestScore = -1;
        List<MBeanOperationInfo> sameArity = new ArrayList<>();
        for (MBeanOperationInfo o : named) {
            List<String> types = types(o);
            if (types.size() != args.size()) {
                continue;
            }
            sameArity.add(o);
            int score = 0;
            for (int i = 0; i < types.size() && score >= 0; i++) {
                int s = JmxJson.score(args.get(i), types.get(i), loader);
                score = s < 0 ? -1 : score + s;
            }
            if (score < 0) {
                continue;
            }
            if (score > bestScore) {
                bestScore = score;
                best.clear();
                best.add(o);
            } else if (score == bestScore) {
                best.add(o);
            }
        }
        if (sameArity.isEmpty()) {
            throw new ArgumentException("operation '" + operation + "' takes no " + args.size() + " arguments (signatures: "
                    + signatures(named) + ")");
        }
        if (best.isEmpty()) {
            throw new ArgumentException("the arguments " + args + " fit no signature of '" + operation + "' (signatures: "
                    + signatures(sameArity) + ")");
        }
        if (best.size() > 1) {
            throw new ArgumentException("the arguments " + args + " fit several signatures of '" + operation + "' equally: "
                    + signatures(best) + "; pass 'signature' to choose one");
        }
        return best.get(0);
    }

    private static List<String> types(MBeanOperationInfo o) {
        List<String> out = new ArrayList<>();
        for (MBeanParameterInfo p : o.getSignature()) {
            out.add(p.getType());
        }
        return out;
    }

    private static List<Object> signatures(List<MBeanOperationInfo> ops) {
        List<Object> out = new ArrayList<>();
        for (MBeanOperationInfo o : ops) {
            out.add(types(o));
        }
        return out;
    }

    private static ClassLoader loader(MBeanServer server, ObjectName name) {
        try {
            ClassLoader cl = server.getClassLoaderFor(name);
            return cl != null ? cl : ClassLoader.getSystemClassLoader();
        } catch (InstanceNotFoundException | SecurityException e) {
            return ClassLoader.getSystemClassLoader();
        }
    }

    private static ObjectName allowed(MBeanServer server, String nameText) {
        ObjectName name = MBeanAccess.exact(nameText);
        MBeanAccess.checkAllowed(server, name);
        return name;
    }

    interface JmxCall<T> {
        T call() throws JMException;
    }

    /** Runs a JMX call, turning JMX's wrappers into the failure they wrap, with context. */
    static <T> T jmx(ObjectName name, JmxCall<T> call) throws Exception {
        try {
            return call.call();
        } catch (InstanceNotFoundException e) {
            throw new ArgumentException("no MBean named " + name + " is registered (use mbean.query to find names)");
        } catch (AttributeNotFoundException e) {
            throw new ArgumentException("MBean " + name + " has no such attribute: " + e.getMessage());
        } catch (RuntimeOperationsException e) {
            RuntimeException target = e.getTargetException();
            throw new ArgumentException((target != null && target.getMessage() != null ? target.getMessage() : String.valueOf(e))
                    + " (MBean " + name + ")");
        } catch (RuntimeMBeanException e) {
            throw e.getTargetException() != null ? e.getTargetException() : e;
        } catch (RuntimeErrorException e) {
            throw new IllegalStateException("MBean " + name + " failed: " + e.getTargetError(), e.getTargetError());
        } catch (MBeanException e) {
            Exception target = e.getTargetException();
            throw target != null ? target : e;
        } catch (ReflectionException e) {
            Exception target = e.getTargetException();
            if (target instanceof NoSuchMethodException) {
                throw new ArgumentException("MBean " + name + " has no such method: " + target.getMessage());
            }
            throw target != null ? target : e;
        }
    }
}
