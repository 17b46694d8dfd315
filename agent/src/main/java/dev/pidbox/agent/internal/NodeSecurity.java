package dev.pidbox.agent.internal;

import dev.pidbox.AuditSink;
import dev.pidbox.CallObserver;
import dev.pidbox.ErrorSink;
import dev.pidbox.jmx.MBeanPolicy;
import dev.pidbox.security.Policy;
import dev.pidbox.security.TrustedKeys;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's security from the agent's options: its policy, the keys it trusts, and where its audit trail goes. A
 * file that cannot be used fails closed (read-only policy, every request refused) and says so on stderr once.
 */
final class NodeSecurity {
    private NodeSecurity() {
    }

    /** The policy file, or read-only defaults; an unreadable or malformed file fails closed. */
    static Policy policy(AgentOptions options) {
        Path file = options.path("policy");
        if (file == null) {
            return Policy.defaults();
        }
        List<String> problems = new ArrayList<>();
        try {
            Policy p = Policy.load(file, problems, new MBeanPolicy());
            for (String problem : problems) {
                System.err.println("pidbox-agent: " + problem);
            }
            return p;
        } catch (IllegalArgumentException e) {
            System.err.println("pidbox-agent: " + e.getMessage() + "; refusing mutate and dangerous handlers");
            return Policy.defaults();
        }
    }

    /** The trusted keys, or null when unset; an unreadable file refuses every request. */
    static TrustedKeys trustedKeys(AgentOptions options) {
        Path file = options.path("trusted-keys");
        if (file == null) {
            return null;
        }
        try {
            return TrustedKeys.load(file);
        } catch (IOException | IllegalArgumentException e) {
            String why = "trusted keys file " + file + " unusable (" + e.getMessage() + ")";
            System.err.println("pidbox-agent: " + why + "; refusing every request");
            return TrustedKeys.refuseAll(why);
        }
    }

    /** The audit trail: the audit file, the agent's log file, or java.util.logging ({@code pidbox.audit}). */
    static AuditSink auditSink(AgentOptions options, ErrorSink sink) {
        Path file = options.path("audit-file");
        if (file == null && options.logFile() != null) {
            return event -> sink.report("audit " + event, null);
        }
        if (file == null) {
            // java.util.logging, looked up on first use: accepted commands at FINE, refusals at INFO.
            return event -> Logger.getLogger("pidbox.audit").log(
                    CallObserver.OK.equals(event.outcome()) || CallObserver.ERROR.equals(event.outcome())
                            ? Level.FINE : Level.INFO,
                    "pidbox audit {0}", event);
        }
        return event -> {
            try {
                Files.write(file, (JsonValues.encodeToString(event.toMap()) + "\n")
                        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                sink.report("pidbox-agent: cannot write audit file " + file, e);
            }
        };
    }
}
