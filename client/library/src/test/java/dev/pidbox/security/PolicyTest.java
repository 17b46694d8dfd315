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
    }

    /** A toy extension: {@code color.deny} lists colors whose {@code paint} requests it refuses. */
    private static final PolicyExtension COLORS = new PolicyExtension() {
        @Override
        public List<String> keys() {
            return List.of("color.deny", "color.allow");
        }

        @Override
        public PolicyExtension.Rule rule(Map<String, String> values, String source) {
            String denied = values.getOrDefault("color.deny", "");
            String allowed = values.getOrDefault("color.allow", "");
            return (method, tier, arguments) -> {
                Object color = arguments == null ? null : arguments.get("color");
                if (!method.equals("paint") || !(color instanceof String)) {
                    return null;
                }
                if (denied.contains((String) color)) {
                    return Policy.Decision.deny("color " + color + " is denied by policy");
                }
                return allowed.contains((String) color) ? Policy.Decision.allow() : null;
            };
        }
    };

    private static Policy parseWithColors(String text) {
        return Policy.parse(new StringReader(text), "test", COLORS);
    }

    @Test
    void anExtensionRefusesWithItsOwnReason() {
        Policy p = parseWithColors("tier.mutate = allow\ncolor.deny = red # no red\n");

        assertThat(p.decide("paint", Tier.MUTATE, Map.of("color", "red"), null, null).reason())
                .isEqualTo("color red is denied by policy");
        assertThat(p.decide("paint", Tier.MUTATE, Map.of("color", "blue"), null, null).allowed()).isTrue();
    }

    @Test
    void anExtensionCanAllowWhatTheTierRefuses() {
        Policy p = parseWithColors("color.allow = blue\n");

        assertThat(p.decide("paint", Tier.MUTATE, Map.of("color", "blue"), null, null).allowed()).isTrue();
        assertThat(p.decide("paint", Tier.MUTATE, Map.of("color", "green"), null, null).reason())
                .isEqualTo("handler 'paint' is mutate and the policy (test) does not allow mutate handlers");
    }

    @Test
    void theDenyGlobsAndAKeysTiersComeBeforeAnExtension() {
        Policy p = parseWithColors("deny = paint\ncolor.allow = blue\n");
        Policy keyed = parseWithColors("color.allow = blue\nkey.guest.tiers = read\n");

        assertThat(p.decide("paint", Tier.READ, Map.of("color", "blue"), null, null).reason())
                .isEqualTo("handler 'paint' is denied by policy");
        assertThat(keyed.decide("paint", Tier.MUTATE, Map.of("color", "blue"), "guest", "8899aabbccddeeff").reason())
                .isEqualTo("key guest may not use mutate handlers");
    }

    @Test
    void anExtensionsKeysAreUnknownKeysWithoutIt() {
        assertThatThrownBy(() -> parse("color.deny = red\n"))
                .hasMessage("policy test: unknown key 'color.deny' (known: tier.<tier>, allow, deny, key.<name>.tiers)");
    }

    @Test
    void theUnknownKeyMessageListsTheExtensionsKeys() {
        assertThatThrownBy(() -> parseWithColors("colour.deny = red\n")).hasMessage("policy test: unknown key "
                + "'colour.deny' (known: tier.<tier>, allow, deny, color.deny, color.allow, key.<name>.tiers)");
    }

    @Test
    void anExtensionMayNotClaimThePolicysOwnKeysOrAnotherExtensions() {
        PolicyExtension claimsDeny = new PolicyExtension() {
            @Override
            public List<String> keys() {
                return List.of("deny");
            }

            @Override
            public PolicyExtension.Rule rule(Map<String, String> values, String source) {
                return (method, tier, arguments) -> null;
            }
        };

        assertThatThrownBy(() -> Policy.parse(new StringReader(""), "test", claimsDeny))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy key 'deny'");
        assertThatThrownBy(() -> Policy.parse(new StringReader(""), "test", COLORS, COLORS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy key 'color.deny'");
    }

    @Test
    void aRefusalAlwaysHasAReason() {
        assertThatThrownBy(() -> Policy.Decision.deny("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Policy.Decision.allow().reason()).isNull();
    }
}
