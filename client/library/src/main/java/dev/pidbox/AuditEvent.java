package dev.pidbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One command a node accepted or refused: who sent it, what, to whom, and what came of it. */
public final class AuditEvent {
    private final Instant time;
    private final String node;
    private final String method;
    private final String keyId;
    private final String keyName;
    private final String selector;
    private final String ticket;
    private final String outcome;
    private final String detail;

    public AuditEvent(Instant time, String node, String method, String keyId, String keyName, String selector,
            String ticket, String outcome, String detail) {
        this.time = time;
        this.node = node;
        this.method = method;
        this.keyId = keyId;
        this.keyName = keyName;
        this.selector = selector;
        this.ticket = ticket;
        this.outcome = outcome;
        this.detail = detail;
    }

    public Instant time() {
        return time;
    }

    public String node() {
        return node;
    }

    public String method() {
        return method;
    }

    /** The signing key's id, or null for an unsigned request. */
    public String keyId() {
        return keyId;
    }

    public String keyName() {
        return keyName;
    }

    /** How the request selected nodes: {@code destination=[...]}, {@code glob=...}, {@code pcre=...} or {@code all}. */
    public String selector() {
        return selector;
    }

    public String ticket() {
        return ticket;
    }

    /** One of the {@link CallObserver} outcomes. */
    public String outcome() {
        return outcome;
    }

    /** Why refused or how it failed; null when it went well. */
    public String detail() {
        return detail;
    }

    /** As JSON-able values, for logs and the audit exchange. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time.toString());
        m.put("node", node);
        m.put("method", method);
        m.put("key_id", keyId);
        m.put("key_name", keyName);
        m.put("selector", selector);
        m.put("ticket", ticket);
        m.put("outcome", outcome);
        m.put("detail", detail);
        return m;
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
