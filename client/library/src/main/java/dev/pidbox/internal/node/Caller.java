package dev.pidbox.internal.node;

/** Who sent a request: the signing key's id and name, both null for an unsigned request. */
public final class Caller {
    /** An unsigned request, on a node that does not require signatures. */
    public static final Caller ANONYMOUS = new Caller(null, null);

    private final String keyId;
    private final String keyName;

    public Caller(String keyId, String keyName) {
        this.keyId = keyId;
        this.keyName = keyName;
    }

    public String keyId() {
        return keyId;
    }

    public String keyName() {
        return keyName;
    }
}
