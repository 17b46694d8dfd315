package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;
import dev.pidbox.AuditEvent;
import dev.pidbox.AuditSink;
import dev.pidbox.CallObserver;
import dev.pidbox.ErrorSink;
import dev.pidbox.internal.IncomingRequest;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Wire;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells the node's observers (metrics) and its audit trail (a sink, and an exchange) how each request ended. A
 * failing observer or sink is reported, never passed on.
 */
public final class Reporter {
    private final String hostname;
    private final List<CallObserver> observers;
    private final AuditSink audit;
    private final String auditExchange;
    private final Outbox outbox;
    private final ErrorSink errorSink;

    public Reporter(String hostname, List<CallObserver> observers, AuditSink audit, String auditExchange,
            Outbox outbox, ErrorSink errorSink) {
        this.hostname = hostname;
        this.observers = new CopyOnWriteArrayList<>(observers);
        this.audit = audit;
        this.auditExchange = auditExchange;
        this.outbox = outbox;
        this.errorSink = errorSink;
    }

    public void addObserver(CallObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** Reports one finished or refused request to the observers, then to the audit trail. */
    public void report(IncomingRequest in, Principal principal, Outcome outcome) {
        observe(in.method(), outcome.word(), outcome.nanos());
        audit(in, principal, outcome.word(), outcome.detail());
    }

    private void observe(Object method, String word, long nanos) {
        if (observers.isEmpty()) {
            return;
        }
        String name = method instanceof String ? (String) method : String.valueOf(method);
        for (CallObserver o : observers) {
            try {
                o.onCall(name, word, nanos);
            } catch (RuntimeException e) {
                errorSink.report("node " + hostname + ": call observer failed", e);
            }
        }
    }

    private void audit(IncomingRequest in, Principal principal, String word, String detail) {
        if (audit == null && auditExchange == null) {
            return;
        }
        AuditEvent event = new AuditEvent(Instant.now(), hostname, String.valueOf(in.method()), principal.keyId(),
                principal.keyName(), AddressFilter.selectorOf(in), in.ticket(), word, detail);
        if (audit != null) {
            try {
                audit.record(event);
            } catch (RuntimeException e) {
                errorSink.report("node " + hostname + ": audit sink failed", e);
            }
        }
        if (auditExchange != null) {
            publish(event);
        }
    }

    private void publish(AuditEvent event) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(Wire.CONTENT_TYPE)
                .contentEncoding(Wire.CONTENT_ENCODING).deliveryMode(1).build();
        outbox.publish(auditExchange, "fanout", hostname, props, Json.encode(event.toMap()), failure -> {
            if (failure != null) {
                errorSink.report("node " + hostname + ": could not publish to audit exchange '" + auditExchange
                        + "'", failure);
            }
        });
    }
}
