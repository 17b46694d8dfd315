package dev.pidbox;

/** Receives an {@link AuditEvent} for every command a node accepted or refused. Keep it quick; never throw. */
@FunctionalInterface
public interface AuditSink {
    void record(AuditEvent event);
}
