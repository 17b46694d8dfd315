package dev.pidbox.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.Tier;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyTest {
    private static Policy parse(String text) {
        return Policy.parse(new StringReader(text), "test");
    }

    @Test
    void defaultsAllowReadAndRefuseMutateAndDangerous() {
        Policy p = Policy.defaults();

        assertThat(p.decide("threads", Tier.READ, Map.of(), null, null).allowed()).isTrue();
        assertThat(p.decide("reload", Tier.MUTATE, Map.of(), null, null).reason())
                .isEqualTo("handler 'reload' is mutate and the policy (defaults) does not allow mutate handlers");
        assertThat(p.decide("heap_dump", Tier.DANGEROUS, Map.of(), null, null).allowed()).isFalse();
    }

    @Test
    void aMissingFileFailsClosedAndSaysSo() {
        List<String> problems = new ArrayList<>();

        Policy p = Policy.load(Path.of("/nonexistent/policy.properties"), problems);

        assertThat(p.decide("reload", Tier.MUTATE, Map.of(), null, null).allowed()).isFalse();
        assertThat(p.decide("ping", Tier.READ, Map.of(), null, null).allowed()).isTrue();
        assertThat(problems).singleElement().asString().contains("cannot be read").contains("refusing mutate");
    }

    @Test
    void allowGlobsOpenHandlersAndDenyGlobsWinOverEverything() {
        Policy p = parse("allow = reload; set_*\ndeny = set_flag; threads\n");

        assertThat(p.decide("reload", Tier.MUTATE, Map.of(), null, null).allowed()).isTrue();
        assertThat(p.decide("set_logger", Tier.MUTATE, Map.of(), null, null).allowed()).isTrue();
        assertThat(p.decide("set_flag", Tier.MUTATE, Map.of(), null, null).reason()).isEqualTo("handler 'set_flag' is denied by policy");
        assertThat(p.decide("threads", Tier.READ, Map.of(), null, null).allowed()).isFalse();
    }

    @Test
    void tiersCanBeOpenedOrClosedAsAWhole() {
        Policy p = parse("tier.read = deny\ntier.mutate = allow\n");

        assertThat(p.decide("memory", Tier.READ, Map.of(), null, null).allowed()).isFalse();
        assertThat(p.decide("reload", Tier.MUTATE, Map.of(), null, null).allowed()).isTrue();
        assertThat(p.decide("heap_dump", Tier.DANGEROUS, Map.of(), null, null).allowed()).isFalse();
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
    void keysMayUseOnlyTheirTiers() {
        Policy p = parse("tier.mutate = allow\ntier.dangerous = allow\nkey.ops.tiers = read, mutate\n"
                + "key.default.tiers = read\n");

        assertThat(p.decide("reload", Tier.MUTATE, Map.of(), "ops", "0011223344556677").allowed()).isTrue();
        assertThat(p.decide("heap_dump", Tier.DANGEROUS, Map.of(), "ops", "0011223344556677").reason())
                .isEqualTo("key ops may not use dangerous handlers");
        assertThat(p.decide("reload", Tier.MUTATE, Map.of(), "guest", "8899aabbccddeeff").reason())
                .isEqualTo("key guest may not use mutate handlers");
        assertThat(p.decide("ping", Tier.READ, Map.of(), "guest", "8899aabbccddeeff").allowed()).isTrue();
    }

    @Test
    void aMalformedFileIsAClearError() {
        assertThatThrownBy(() -> parse("tier.mutate = maybe\n")).hasMessageContaining("must be allow or deny");
        assertThatThrownBy(() -> parse("alow = reload\n")).hasMessageContaining("unknown key 'alow'");
        assertThatThrownBy(() -> parse("mbean.allow = not an object name#x\n")).hasMessageContaining("bad ObjectName");
    }
}
