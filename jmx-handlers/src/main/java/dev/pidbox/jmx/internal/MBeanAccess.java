package dev.pidbox.jmx.internal;

import dev.pidbox.ArgumentException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Which MBeans the generic bridge may touch. Always denied, whatever a later policy says:
 * {@code com.sun.management:type=DiagnosticCommand} and the {@code jdk.management.jfr} domain (reached only
 * through the dedicated handlers) and any {@code javax.management.loading.MLet} (it loads code from URLs).
 */
public final class MBeanAccess {
    static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
    static final String JFR_DOMAIN = "jdk.management.jfr";
    static final String MLET_CLASS = "javax.management.loading.MLet";

    private MBeanAccess() {
    }

    /** Parses an ObjectName or pattern. */
    public static ObjectName pattern(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new ArgumentException("'" + text + "' is not a valid ObjectName: " + e.getMessage()
                    + " (expected domain:key=value[,key=value...], e.g. java.lang:type=Memory)");
        }
    }

    /** Parses an ObjectName that must name one MBean, not a pattern. */
    public static ObjectName exact(String text) {
        ObjectName name = pattern(text);
        if (name.isPattern()) {
            throw new ArgumentException("'" + text + "' is a pattern; give one MBean's name (use mbean.query to find it)");
        }
        return name;
    }

    /** The reason the MBean is denied, or null when it may be used. */
    public static String deniedReason(MBeanServer server, ObjectName name) {
        if ("com.sun.management".equals(name.getDomain()) && "DiagnosticCommand".equals(name.getKeyProperty("type"))) {
            return "the DiagnosticCommand MBean is reachable only through dedicated handlers (histogram, flags, heap_dump)";
        }
        if (name.getDomain().equals(JFR_DOMAIN) || name.getDomain().startsWith(JFR_DOMAIN + ".")) {
            return "the Flight Recorder MBeans (" + JFR_DOMAIN + ") are not exposed";
        }
        try {
            if (server.isRegistered(name) && server.isInstanceOf(name, MLET_CLASS)) {
                return "MLet MBeans load code from URLs and are never exposed";
            }
        } catch (InstanceNotFoundException e) {
            return null;
        }
        return null;
    }

    /**
     * @throws SecurityException when the MBean is always denied
     */
    public static void checkAllowed(MBeanServer server, ObjectName name) {
        String reason = deniedReason(server, name);
        if (reason != null) {
            throw new SecurityException("access to MBean " + name + " is always denied: " + reason);
        }
    }
}
