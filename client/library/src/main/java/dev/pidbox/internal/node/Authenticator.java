package dev.pidbox.internal.node;

import dev.pidbox.CallObserver;
import dev.pidbox.security.TrustedKeys;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Checks a request's signature when the node requires signed requests: a known key, a valid signature over the
 * body's bytes, not expired, not replayed. Without trusted keys every request is anonymous.
 */
public final class Authenticator {
    private final TrustedKeys keys;
    private final String namespace;
    private final LongSupplier now;

    /** {@code keys} null: signatures are not required. */
    public Authenticator(TrustedKeys keys, String namespace, LongSupplier nowMillis) {
        this.keys = keys;
        this.namespace = namespace;
        this.now = nowMillis;
    }

    /** Whether requests must be signed. */
    public boolean requiresSignatures() {
        return keys != null;
    }

    /**
     * The principal of a request whose body is {@code body} and whose AMQP headers are {@code headers}.
     *
     * @throws Refused {@code unauthorized}, naming what is wrong with the signature
     */
    public Principal authenticate(byte[] body, Map<String, Object> headers) throws Refused {
        if (keys == null) {
            return Principal.ANONYMOUS;
        }
        TrustedKeys.Verdict verdict = keys.verify(namespace, body == null ? new byte[0] : body, headers,
                now.getAsLong());
        if (!verdict.accepted()) {
            throw new Refused(CallObserver.UNAUTHORIZED, "unauthorized: " + verdict.refusal());
        }
        return new Principal(verdict.key().id, verdict.key().name);
    }
}
