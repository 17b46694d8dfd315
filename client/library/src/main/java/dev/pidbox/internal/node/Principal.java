package dev.pidbox.internal.node;

/** Who sent a request, as its signature says: the signing key's id and name, both null for an unsigned request. */
public final class Principal {
    /** An unsigned request, on a node that does not require signatures. */
    public static final Principal ANONYMOUS = new Principal(null, null);

    private final String keyId;
    private final String keyName;

    public Principal(String keyId, String keyName) {
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
