package dev.pidbox.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentRuntimeTest {
    /** A class loader with a lifecycle state, as Tomcat's webapp loaders have. */
    public static final class LifecycleLoader extends ClassLoader {
        private final String state;

        LifecycleLoader(String state) {
            this.state = state;
        }

        public String getState() {
            return state;
        }
    }

    @Test
    void aLoaderThatSaysItStoppedIsStoppedAndOthersAreNot() {
        assertThat(HostHandlers.stopped(new LifecycleLoader("STOPPED"))).isTrue();
        assertThat(HostHandlers.stopped(new LifecycleLoader("DESTROYED"))).isTrue();
        assertThat(HostHandlers.stopped(new LifecycleLoader("STARTED"))).isFalse();
        assertThat(HostHandlers.stopped(ClassLoader.getSystemClassLoader())).isFalse();
    }

    @Test
    void theMainClassNameComesFromTheCommandOrTheJar() {
        String before = System.getProperty("sun.java.command");
        try {
            System.setProperty("sun.java.command", "/opt/app/orders-service.jar --port 8080");
            assertThat(AgentRuntime.mainClassName()).isEqualTo("orders-service");
            System.setProperty("sun.java.command", "org.example.Orders arg");
            assertThat(AgentRuntime.mainClassName()).isEqualTo("Orders");
        } finally {
            System.setProperty("sun.java.command", before == null ? "" : before);
        }
    }
}
