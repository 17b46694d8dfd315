package dev.pidbox.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.Tier;
import dev.pidbox.security.Policy;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file's {@code mbean.allow} and {@code mbean.deny} lines, read through {@link MBeanPolicy}. */
class MBeanPolicyTest {
    private static Policy parse(String text) {
        return Policy.parse(new StringReader(text), "test", new MBeanPolicy());
    }

    @Test
    void mbeanRulesMatchObjectNamePatternsAndMembers() {
        Policy p = parse("mbean.allow = java.lang:type=Memory#gc; com.acme:type=Cache,*#clear*\n"
                + "mbean.deny = java.lang:type=Runtime#*\n");

        assertThat(p.decide("mbean.invoke", Tier.DANGEROUS, Map.of("name", "java.lang:type=Memory", "operation", "gc"),
                null, null).allowed()).isTrue();
        assertThat(p.decide("mbean.invoke", Tier.DANGEROUS, Map.of("name", "java.lang:type=Memory",
                "operation", "setVerbose"), null, null).allowed()).isFalse();
        assertThat(p.decide("mbean.invoke", Tier.DANGEROUS, Map.of("name", "com.acme:type=Cache,region=eu",
                "operation", "clearAll"), null, null).allowed()).isTrue();
        assertThat(p.decide("mbean.get", Tier.READ, Map.of("name", "java.lang:type=Runtime", "attribute", "InputArguments"),
                null, null).reason()).isEqualTo("MBean java.lang:type=Runtime#InputArguments is denied by policy");
        assertThat(p.decide("mbean.get", Tier.READ, Map.of("name", "java.lang:type=Threading"), null, null).allowed()).isTrue();
    }

    @Test
    void aBadObjectNamePatternIsAClearError() {
        assertThatThrownBy(() -> parse("mbean.allow = not an object name#x\n")).hasMessageContaining("bad ObjectName");
    }

    @Test
    void theUnknownKeyMessageNamesTheMBeanKeys() {
        assertThatThrownBy(() -> parse("alow = reload\n")).hasMessage("policy test: unknown key 'alow' (known: "
                + "tier.<tier>, allow, deny, mbean.allow, mbean.deny, key.<name>.tiers)");
    }

    @Test
    void withoutTheseRulesTheMBeanLinesAreUnknownKeys() {
        assertThatThrownBy(() -> Policy.parse(new StringReader("mbean.deny = java.lang:*\n"), "test"))
                .hasMessageContaining("unknown key 'mbean.deny'");
    }

    @Test
    void aDenyWithoutAMemberRefusesTheWholeMBeanAndSaysWhichMember() {
        Policy p = parse("tier.mutate = allow\nmbean.deny = com.acme:type=Cache,*\n");

        assertThat(p.decide("mbean.set", Tier.MUTATE, Map.of("name", "com.acme:type=Cache,region=eu", "attribute",
                "Size", "value", 3), null, null).reason()).isEqualTo("MBean com.acme:type=Cache,region=eu#Size is denied by policy");
        assertThat(p.decide("mbean.info", Tier.READ, Map.of("name", "com.acme:type=Cache,region=eu"), null, null)
                .reason()).isEqualTo("MBean com.acme:type=Cache,region=eu is denied by policy");
    }

    @Test
    void anMBeanDenyWinsOverAnMBeanAllow() {
        Policy p = parse("mbean.allow = java.lang:*#*\nmbean.deny = java.lang:type=Memory#gc\n");

        assertThat(p.decide("mbean.invoke", Tier.DANGEROUS, Map.of("name", "java.lang:type=Memory", "operation", "gc"),
                null, null).reason()).isEqualTo("MBean java.lang:type=Memory#gc is denied by policy");
    }

    @Test
    void theDenyGlobsAndAKeysTiersComeBeforeTheMBeanRules() {
        Policy p = parse("deny = mbean.invoke\nmbean.allow = java.lang:type=Memory#gc\nkey.guest.tiers = read\n");
        Map<String, Object> gc = Map.of("name", "java.lang:type=Memory", "operation", "gc");

        assertThat(p.decide("mbean.invoke", Tier.DANGEROUS, gc, null, null).reason())
                .isEqualTo("handler 'mbean.invoke' is denied by policy");
        assertThat(p.decide("mbean.set", Tier.MUTATE, Map.of("name", "java.lang:type=Memory", "attribute", "Verbose"),
                "guest", "8899aabbccddeeff").reason()).isEqualTo("key guest may not use mutate handlers");
    }

    @Test
    void theMBeanRulesSayNothingAboutOtherHandlersOrMalformedNames() {
        Policy p = parse("mbean.deny = *:*\n");

        assertThat(p.decide("threads", Tier.READ, Map.of("name", "java.lang:type=Memory"), null, null).allowed()).isTrue();
        assertThat(p.decide("mbean.get", Tier.READ, Map.of("name", "not an object name"), null, null).allowed()).isTrue();
        assertThat(p.decide("mbean.query", Tier.READ, Map.of(), null, null).allowed()).isTrue();
    }

    @Test
    void aPolicyFileWithMBeanLinesLoadsWithTheseRules(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.properties");
        Files.writeString(file, "allow = mbean.invoke\nmbean.allow = java.lang:type=Memory#gc   # only gc\n"
                + "mbean.deny = java.lang:type=Memory#setVerbose\n");
        List<String> problems = new ArrayList<>();

        Policy p = Policy.load(file, problems, new MBeanPolicy());

        assertThat(problems).isEmpty();
        assertThat(p.decide("mbean.invoke", Tier.DANGEROUS, Map.of("name", "java.lang:type=Memory", "operation", "gc"),
                null, null).allowed()).isTrue();
        assertThat(p.decide("mbean.invoke", Tier.DANGEROUS, Map.of("name", "java.lang:type=Memory", "operation",
                "setVerbose"), null, null).reason()).isEqualTo("MBean java.lang:type=Memory#setVerbose is denied by policy");
    }
}
