package dev.pidbox.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignatureTest {
    private static final byte[] BODY = "{\"method\": \"reload\", \"arguments\": {}}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Signer signer(String name, Keys.Algorithm alg) throws Exception {
        Keys.writeKeyPair(dir, name, alg);
        return Signer.load(dir.resolve(name));
    }

    private TrustedKeys trust(String... names) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (String n : names) {
            pem.append(Files.readString(dir.resolve(n + ".pub")));
        }
        return TrustedKeys.parse(pem.toString(), "test");
    }

    @ParameterizedTest
    @EnumSource(Keys.Algorithm.class)
    void aSignedRequestIsAcceptedOnceAndNamesItsKey(Keys.Algorithm alg) throws Exception {
        Signer ops = signer("ops", alg);
        TrustedKeys keys = trust("ops");
        long now = System.currentTimeMillis();
        Map<String, Object> headers = ops.sign("jvm", BODY, now + 60_000);

        TrustedKeys.Verdict first = keys.verify("jvm", BODY, headers, now);
        TrustedKeys.Verdict replay = keys.verify("jvm", BODY, headers, now + 10);

        assertThat(first.accepted()).isTrue();
        assertThat(first.key().name).isEqualTo("ops");
        assertThat(first.key().id).isEqualTo(ops.keyId()).hasSize(16);
        assertThat(replay.accepted()).isFalse();
        assertThat(replay.refusal()).contains("replayed");
    }

    @Test
    void anUnsignedRequestIsRefused() throws Exception {
        signer("ops", Keys.Algorithm.EC_P256);
        TrustedKeys.Verdict v = trust("ops").verify("jvm", BODY, Map.of("clock", 1), System.currentTimeMillis());

        assertThat(v.refusal()).isEqualTo("unsigned request");
    }

    @Test
    void aChangedBodyIsAForgery() throws Exception {
        Signer ops = signer("ops", Keys.Algorithm.EC_P256);
        long now = System.currentTimeMillis();
        Map<String, Object> headers = ops.sign("jvm", BODY, now + 60_000);
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("reload", "heap_dump").getBytes(StandardCharsets.UTF_8);

        assertThat(trust("ops").verify("jvm", tampered, headers, now).refusal()).startsWith("bad signature");
    }

    @Test
    void aChangedExpiryOrNamespaceIsAForgery() throws Exception {
        Signer ops = signer("ops", Keys.Algorithm.EC_P256);
        long now = System.currentTimeMillis();
        Map<String, Object> headers = new HashMap<>(ops.sign("jvm", BODY, now + 60_000));
        TrustedKeys keys = trust("ops");

        assertThat(keys.verify("other", BODY, headers, now).refusal()).startsWith("bad signature");
        headers.put(Signer.HEADER_EXPIRES, now + 120_000);
        assertThat(keys.verify("jvm", BODY, headers, now).refusal()).startsWith("bad signature");
    }

    @Test
    void aKeyTheNodeDoesNotTrustIsRefused() throws Exception {
        signer("ops", Keys.Algorithm.EC_P256);
        Signer intruder = signer("intruder", Keys.Algorithm.EC_P256);
        long now = System.currentTimeMillis();

        TrustedKeys.Verdict v = trust("ops").verify("jvm", BODY, intruder.sign("jvm", BODY, now + 60_000), now);

        assertThat(v.refusal()).isEqualTo("unknown key " + intruder.keyId());
    }

    @Test
    void aForgedSignatureWithATrustedKeyIdIsRefused() throws Exception {
        Signer ops = signer("ops", Keys.Algorithm.EC_P256);
        Signer intruder = signer("intruder", Keys.Algorithm.EC_P256);
        long now = System.currentTimeMillis();
        Map<String, Object> forged = new HashMap<>(intruder.sign("jvm", BODY, now + 60_000));
        forged.put(Signer.HEADER_KEY, ops.keyId());

        assertThat(trust("ops").verify("jvm", BODY, forged, now).refusal()).startsWith("bad signature");
    }

    @Test
    void anExpiredRequestIsRefused() throws Exception {
        Signer ops = signer("ops", Keys.Algorithm.EC_P256);
        long now = System.currentTimeMillis();

        TrustedKeys.Verdict v = trust("ops").verify("jvm", BODY, ops.sign("jvm", BODY, now - 5), now);

        assertThat(v.refusal()).startsWith("expired");
    }

    @Test
    void anExpiryFarAheadIsRefusedSoTheReplayCacheStaysBounded() throws Exception {
        Signer ops = signer("ops", Keys.Algorithm.EC_P256);
        long now = System.currentTimeMillis();

        TrustedKeys.Verdict v = trust("ops").verify("jvm", BODY, ops.sign("jvm", BODY, now + 3_600_000), now);

        assertThat(v.refusal()).startsWith("expiry too far ahead");
    }

    @Test
    void severalKeysInOneFileAreAllTrusted() throws Exception {
        Signer a = signer("alice", Keys.Algorithm.EC_P256);
        Signer b = signer("bob", Keys.Algorithm.ED25519);
        TrustedKeys keys = trust("alice", "bob");
        long now = System.currentTimeMillis();

        assertThat(keys.keys()).containsOnlyKeys(a.keyId(), b.keyId());
        assertThat(keys.verify("jvm", BODY, b.sign("jvm", BODY, now + 1000), now).key().name).isEqualTo("bob");
    }

    @Test
    void keygenRefusesToOverwriteAndKeepsThePrivateKeyPrivate() throws Exception {
        Keys.writeKeyPair(dir, "ops", Keys.Algorithm.EC_P256);

        assertThatThrownBy(() -> Keys.writeKeyPair(dir, "ops", Keys.Algorithm.EC_P256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ops.key"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("ops.pub"))).startsWith("# pidbox key ops id ")
                .contains("-----BEGIN PUBLIC KEY-----");
    }

    @Test
    void anUnusableKeyFileRefusesEverything() {
        TrustedKeys none = TrustedKeys.refuseAll("trusted keys file /x unusable");

        assertThat(none.verify("jvm", BODY, Map.of(), 0).refusal()).isEqualTo("trusted keys file /x unusable");
    }
}
