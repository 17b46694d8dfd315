package dev.pidbox.agent.internal;

import com.rabbitmq.client.Connection;
import dev.pidbox.Node;
import dev.pidbox.agent.NodeMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** {@link NodeMXBean} over the running node; registered while the node runs. */
final class NodeBean implements NodeMXBean {
    static final String OBJECT_NAME = "dev.pidbox:type=Node";

    private final String nodeName;
    private final String namespace;
    private final String broker;
    private final Supplier<Node> node;
    private final Supplier<Connection> connection;

    NodeBean(String nodeName, String namespace, String broker, Supplier<Node> node, Supplier<Connection> connection) {
        this.nodeName = nodeName;
        this.namespace = namespace;
        this.broker = broker;
        this.node = node;
        this.connection = connection;
    }

    void register() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(this, name);
    }

    static void unregister() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            // nothing registered
        }
    }

    @Override
    public String getNodeName() {
        return nodeName;
    }

    @Override
    public String getNamespace() {
        return namespace;
    }

    @Override
    public String getBroker() {
        return broker;
    }

    @Override
    public String getState() {
        return System.getProperty(AgentRuntime.PROP_STATE, "unknown");
    }

    @Override
    public boolean isConnected() {
        Connection c = connection.get();
        return c != null && c.isOpen();
    }

    @Override
    public String getBrokerBlocked() {
        Node n = node.get();
        String reason = n == null || n.mailbox() == null ? null : n.mailbox().blockedReason();
        return reason == null ? "" : reason;
    }

    @Override
    public String[] getHandlers() {
        Node n = node.get();
        return n == null ? new String[0] : n.handlers().keySet().toArray(new String[0]);
    }

    @Override
    public Map<String, Long> getCounts() {
        Node n = node.get();
        return n == null ? Collections.<String, Long>emptyMap() : n.stats();
    }
}
