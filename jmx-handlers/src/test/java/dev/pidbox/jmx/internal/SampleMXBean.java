package dev.pidbox.jmx.internal;

import java.util.List;
import java.util.Map;

/** The test MBean: attributes of several kinds and overloaded operations. */
public interface SampleMXBean {
    String getName();

    void setName(String name);

    int getCount();

    void setCount(int count);

    long getStarted();

    Endpoint getEndpoint();

    Map<String, Integer> getLimits();

    List<String> getTags();

    String add(int a);

    String add(int a, int b);

    String add(String text);

    String scale(double factor);

    int reloadCount();

    void reload();

    /** A composite attribute value. */
    final class Endpoint {
        private final String host;
        private final int port;
        private final List<String> aliases;

        public Endpoint(String host, int port, List<String> aliases) {
            this.host = host;
            this.port = port;
            this.aliases = aliases;
        }

        public String getHost() {
            return host;
        }

        public int getPort() {
            return port;
        }

        public List<String> getAliases() {
            return aliases;
        }
    }
}
