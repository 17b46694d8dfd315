package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pidbox.ArgumentException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MBeanHandlersTest {
    static final String NAME = "dev.pidbox.test:type=Sample,name=mbean-handlers";
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Calls calls = Calls.of(new MBeanHandlers());
    private final Sample sample = new Sample();

    @BeforeEach
    void registerSample() throws Exception {
        server.registerMBean(sample, new ObjectName(NAME));
    }

    @AfterEach
    void unregisterSample() throws Exception {
        server.unregisterMBean(new ObjectName(NAME));
    }

    @Test
    void queryListsMatchingNamesSorted() throws Exception {
        Map<String, Object> reply = calls.map("mbean.query", args("pattern", "dev.pidbox.test:*"));
        assertThat((List<Object>) reply.get("names")).containsExactly("dev.pidbox.test:name=mbean-handlers,type=Sample");
        assertThat(reply.get("count")).isEqualTo(1);
    }

    @Test
    void infoListsAttributesAndOverloadedOperationsWithSignatures() throws Exception {
        Map<String, Object> reply = calls.map("mbean.info", args("name", NAME));
        List<Map<String, Object>> attributes = Calls.rows(reply.get("attributes"));
        assertThat(attributes).extracting(a -> a.get("name"))
                .contains("Name", "Count", "Started", "Endpoint", "Limits", "Tags");
        Map<String, Object> count = attributes.stream().filter(a -> a.get("name").equals("Count")).findFirst().get();
        assertThat(count).containsEntry("type", "int").containsEntry("writable", true);
        List<Map<String, Object>> adds = Calls.rows(reply.get("operations"));
        assertThat(adds.stream().filter(o -> o.get("name").equals("add")).map(o -> Calls.rows(o.get("signature")))
                .map(sig -> sig.stream().map(p -> p.get("type")).collect(java.util.stream.Collectors.toList())))
                .containsExactlyInAnyOrder(Arrays.asList("int"), Arrays.asList("int", "int"),
                        Arrays.asList("java.lang.String"));
    }

    @Test
    void getReadsOneAttribute() throws Exception {
        Map<String, Object> reply = calls.map("mbean.get", args("name", NAME, "attribute", "Count"));
        assertThat(reply).containsEntry("attribute", "Count").containsEntry("value", 3);
    }

    @Test
    void getReadsAllAttributesConvertedToJson() throws Exception {
        Map<String, Object> values = Calls.asMap(calls.map("mbean.get", args("name", NAME)).get("values"));
        assertThat(values).containsEntry("Name", "first").containsEntry("Count", 3).containsEntry("Started", 1234L)
                .containsEntry("Tags", Arrays.asList("blue", "green"));
        assertThat(Calls.asMap(values.get("Endpoint"))).containsEntry("host", "db.local").containsEntry("port", 5432);
        assertThat(Calls.asMap(values.get("Limits"))).containsEntry("connections", 50).containsEntry("queue", 1000);
    }

    @Test
    void getFollowsAPathIntoCompositeTabularAndListValues() throws Exception {
        assertThat(calls.map("mbean.get", args("name", NAME, "attribute", "Endpoint", "path", "host")).get("value"))
                .isEqualTo("db.local");
        assertThat(calls.map("mbean.get", args("name", NAME, "attribute", "Endpoint", "path", "aliases/1")).get("value"))
                .isEqualTo("writer");
        assertThat(calls.map("mbean.get", args("name", NAME, "attribute", "Limits", "path", "queue")).get("value"))
                .isEqualTo(1000);
        assertThat(calls.map("mbean.get", args("name", "java.lang:type=Memory", "attribute", "HeapMemoryUsage",
                "path", "used")).get("value")).isInstanceOf(Long.class);
    }

    @Test
    void aPathThatLeadsNowhereNamesTheKeysThatExist() {
        assertThatThrownBy(() -> calls.call("mbean.get", args("name", NAME, "attribute", "Endpoint", "path", "hots")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("no key 'hots'")
                .hasMessageContaining("[aliases, host, port]");
        assertThatThrownBy(() -> calls.call("mbean.get", args("name", NAME, "attribute", "Endpoint", "path", "aliases/7")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("index 7 is out of range 0..1");
    }

    @Test
    void setConvertsTheJsonValueAndRepliesOldAndNew() throws Exception {
        Map<String, Object> reply = calls.map("mbean.set", args("name", NAME, "attribute", "Count", "value", 41));
        assertThat(reply).containsEntry("old", 3).containsEntry("new", 41);
        assertThat(sample.getCount()).isEqualTo(41);
        calls.call("mbean.set", args("name", NAME, "attribute", "Name", "value", "second"));
        assertThat(sample.getName()).isEqualTo("second");
    }

    @Test
    void setRefusesReadOnlyAttributesAndValuesOfTheWrongType() {
        assertThatThrownBy(() -> calls.call("mbean.set", args("name", NAME, "attribute", "Started", "value", 1)))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("is read-only").hasMessageContaining("Count");
        assertThatThrownBy(() -> calls.call("mbean.set", args("name", NAME, "attribute", "Count", "value", "many")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("cannot convert string 'many' to int");
        assertThat(sample.getCount()).isEqualTo(3);
    }

    @Test
    void invokeChoosesTheOverloadFromTheJsonArguments() throws Exception {
        assertThat(calls.map("mbean.invoke", args("name", NAME, "operation", "add", "arguments", Arrays.asList(4))))
                .containsEntry("result", "add(int) 7").containsEntry("signature", Arrays.asList("int"));
        assertThat(calls.map("mbean.invoke", args("name", NAME, "operation", "add", "arguments", Arrays.asList(4, 5)))
                .get("result")).isEqualTo("add(int,int) 9");
        assertThat(calls.map("mbean.invoke", args("name", NAME, "operation", "add", "arguments", Arrays.asList("!")))
                .get("result")).isEqualTo("add(String) first!");
        assertThat(calls.map("mbean.invoke", args("name", NAME, "operation", "scale", "arguments", Arrays.asList(2)))
                .get("result")).isEqualTo("scale 6.0");
    }

    @Test
    void invokeHonoursAnExplicitSignature() throws Exception {
        Map<String, Object> reply = calls.map("mbean.invoke", args("name", NAME, "operation", "add",
                "arguments", Arrays.asList("12"), "signature", Arrays.asList("int")));
        assertThat(reply.get("result")).isEqualTo("add(int) 15");
    }

    @Test
    void invokeWithArgumentsThatFitNoOverloadListsTheSignatures() {
        assertThatThrownBy(() -> calls.call("mbean.invoke", args("name", NAME, "operation", "add",
                "arguments", Arrays.asList(1, 2, 3))))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("takes no 3 arguments")
                .hasMessageContaining("[int, int]");
        assertThatThrownBy(() -> calls.call("mbean.invoke", args("name", NAME, "operation", "subtract")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("no operation 'subtract'");
    }

    @Test
    void theDiagnosticCommandMBeanIsAlwaysDenied() {
        String dc = "com.sun.management:type=DiagnosticCommand";
        assertThatThrownBy(() -> calls.call("mbean.info", args("name", dc)))
                .isInstanceOf(SecurityException.class).hasMessageContaining("always denied");
        assertThatThrownBy(() -> calls.call("mbean.invoke", args("name", dc, "operation", "gcClassHistogram",
                "arguments", Collections.singletonList(Collections.emptyList()))))
                .isInstanceOf(SecurityException.class).hasMessageContaining("always denied");
        assertThatThrownBy(() -> calls.call("mbean.get", args("name", dc)))
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void theFlightRecorderDomainIsAlwaysDeniedAndHiddenFromQueries() throws Exception {
        ObjectName jfr = new ObjectName("jdk.management.jfr:type=PidboxTestFake");
        server.registerMBean(new Sample(), jfr);
        try {
            assertThatThrownBy(() -> calls.call("mbean.get", args("name", jfr.toString(), "attribute", "Count")))
                    .isInstanceOf(SecurityException.class).hasMessageContaining("jdk.management.jfr");
            assertThatThrownBy(() -> calls.call("mbean.set", args("name", jfr.toString(), "attribute", "Count", "value", 1)))
                    .isInstanceOf(SecurityException.class);
            Map<String, Object> reply = calls.map("mbean.query", args("pattern", "jdk.management.jfr:*"));
            assertThat((List<?>) reply.get("names")).isEmpty();
            assertThat(((Number) reply.get("denied_hidden")).intValue()).isGreaterThanOrEqualTo(1);
        } finally {
            server.unregisterMBean(jfr);
        }
    }

    @Test
    void anMLetIsAlwaysDeniedWhateverItsName() throws Exception {
        Class<?> mletClass;
        try {
            mletClass = Class.forName("javax.management.loading.MLet");
        } catch (ClassNotFoundException e) {
            mletClass = null;
        }
        assumeTrue(mletClass != null, "this JDK has no MLet any more");
        ObjectName name = new ObjectName("dev.pidbox.test:type=InnocentLoader");
        server.registerMBean(mletClass.getConstructor().newInstance(), name);
        try {
            assertThatThrownBy(() -> calls.call("mbean.invoke", args("name", name.toString(), "operation", "getMBeansFromURL",
                    "arguments", Arrays.asList("http://127.0.0.1:1/evil.mlet"))))
                    .isInstanceOf(SecurityException.class).hasMessageContaining("MLet");
            assertThatThrownBy(() -> calls.call("mbean.info", args("name", name.toString())))
                    .isInstanceOf(SecurityException.class);
        } finally {
            server.unregisterMBean(name);
        }
    }

    @Test
    void malformedNamesAndPatternsAreClearArgumentErrors() {
        assertThatThrownBy(() -> calls.call("mbean.get", args("name", "no-colon-here")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("is not a valid ObjectName");
        assertThatThrownBy(() -> calls.call("mbean.get", args("name", "java.lang:type=*")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("is a pattern");
        assertThatThrownBy(() -> calls.call("mbean.get", args("name", "dev.pidbox.test:type=Missing")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("no MBean named");
        assertThatThrownBy(() -> calls.call("mbean.get", args("name", NAME, "attribute", "Nope")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("Nope");
    }
}
