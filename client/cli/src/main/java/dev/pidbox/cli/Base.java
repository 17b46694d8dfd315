package dev.pidbox.cli;

import dev.pidbox.BrokerBlockedException;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.PidboxException;
import dev.pidbox.spi.JsonValues;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the root's settings, the out/err writers, and the exit-code mapping. */
abstract class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    PidboxCli root() {
        return (PidboxCli) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Options.Format format() {
        return root().output.format();
    }

    String groupBy() {
        return root().output.groupBy;
    }

    /** Colours for stdout: only on a terminal, never with NO_COLOR set. */
    Style style() {
        return Style.of(root().terminal.getAsBoolean(), root().settings.noColor());
    }

    Duration timeout(Options.Selectors sel) {
        return Durations.parse(root().settings.timeout(sel == null ? null : sel.timeout));
    }

    Session openSession() {
        return Session.open(root().settings, root().broker, err());
    }

    /** Says that {@code --where} matched no node (nothing was sent) and returns its exit code, 3. */
    int noTagMatch(Options.Selectors sel) {
        err().println("pidbox: no node matches --where " + sel.where + " (kombu and Celery nodes have no tags)");
        return Render.MISSING;
    }

    /**
     * On stderr, whatever the format: forged replies (ignored), and a broker blocking publishes, so the operator
     * learns why nodes may look silent (the request may never have left).
     */
    void warn(CallResult result) {
        for (CallResult.Forgery f : result.forgeries()) {
            err().println("pidbox: FORGED reply claiming to be " + f.node() + " ignored: " + f.reason());
        }
        if (result.brokerBlocked() != null) {
            err().println("pidbox: " + Mailbox.blockedMessage(result.brokerBlocked())
                    + "; the nodes were not necessarily asked");
        }
        err().flush();
    }

    void printJson(Object document) {
        out().println(Render.pretty(document));
        out().flush();
    }

    /** Runs the command: broker failures become exit 4 with the library's message, bad input exit 2. */
    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (BrokerBlockedException e) {
            err().println("pidbox: " + e.getMessage());
            err().flush();
            return Render.BLOCKED;
        } catch (PidboxException e) {
            err().println("pidbox: " + e.getMessage());
            err().flush();
            return Render.BROKER;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } finally {
            out().flush();
            err().flush();
        }
    }

    abstract int run() throws Exception;

    static String json(Object value) {
        return JsonValues.encodeToString(value);
    }
}
