package dev.pidbox.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
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
    void aLookThatFailsIsReportedUnlessTheAgentStoppedMeanwhile() {
        List<String> reports = new ArrayList<>();
        Runnable failing = () -> {
            throw new IllegalStateException("node is closed");
        };

        HostHandlers.look(failing, () -> true, (m, e) -> reports.add(m + ": " + e.getMessage()));
        assertThat(reports).isEmpty();

        HostHandlers.look(failing, () -> false, (m, e) -> reports.add(m + ": " + e.getMessage()));
        assertThat(reports).containsExactly("pidbox-agent: looking for host handler providers failed: node is closed");

        HostHandlers.look(() -> { }, () -> false, (m, e) -> reports.add(m));
        assertThat(reports).hasSize(1);
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

    @AfterEach
    void stopTheAgent() {
        AgentRuntime.launchAndAwait("command=stop", null, 10_000);
        assertThat(System.getProperty(AgentRuntime.PROP_STATE)).isEqualTo("stopped");
    }

    @Test
    void anAttachReturnsOnceTheNodeWaitsForItsBroker() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        long start = System.nanoTime();

        AgentRuntime.launchAndAwait("broker=amqp://127.0.0.1:" + closedPort + "/,node=await@test", null, 10_000);

        assertThat(System.getProperty(AgentRuntime.PROP_STATE)).startsWith("waiting for broker: ");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(9_000);
    }

    @Test
    void anAttachWithBadOptionsReturnsWithTheReason() {
        AgentRuntime.launchAndAwait("handler-threads=0", null, 10_000);

        assertThat(System.getProperty(AgentRuntime.PROP_STATE)).isEqualTo(AgentRuntime.INVALID_OPTIONS
                + "handler-threads must be a number from 1 to 64, got '0'");
    }

    @Test
    void anAttachWaitsNoLongerThanItsLimit() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) { // accepts the connection and never speaks AMQP
            long start = System.nanoTime();

            AgentRuntime.launchAndAwait("broker=amqp://127.0.0.1:" + silent.getLocalPort() + "/,node=silent@test", null,
                    300);

            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(System.getProperty(AgentRuntime.PROP_STATE)).isEqualTo("connecting");
            assertThat(ms).isBetween(250L, 4_000L);
        }
    }

    @Test
    void theWarmUpGoesThroughTheNodesRequestPathAndLeavesNoThread() throws Exception {
        assertThat(AgentRuntime.warm()).isTrue();

        Thread.sleep(100);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("pidbox-handler") || n.startsWith("pidbox-node"));
    }
}
