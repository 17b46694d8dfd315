package dev.pidbox.it.cli;

import dev.pidbox.cli.PidboxCli;
import dev.pidbox.cli.Settings;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code pidbox} run in-process through picocli's out and err writers, against the test RabbitMQ and a given
 * namespace (through {@code PIDBOX_BROKER} and {@code PIDBOX_NAMESPACE}, as a user would set them), with an
 * empty home directory.
 */
public final class Cli {
    public final int exitCode;
    public final String out;
    public final String err;

    private Cli(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    public static Cli run(String namespace, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("PIDBOX_BROKER", RabbitMQ.uri());
        env.put("PIDBOX_NAMESPACE", namespace);
        Path home;
        try {
            home = Files.createTempDirectory("pidbox-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PidboxCli.commandLine(new PidboxCli(new Settings(env::get, home), () -> false), args);
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The stdout of {@code -o json} as a map. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> json() {
        try {
            return (Map<String, Object>) JsonValues.decode(out);
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON document: " + this, e);
        }
    }

    /** Every stdout line of {@code -o ndjson}, each parsed as JSON (fails when one does not parse). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> ndjson() {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                lines.add((Map<String, Object>) JsonValues.decode(line));
            } catch (IOException | ClassCastException e) {
                throw new AssertionError("ndjson line is not a JSON object: '" + line + "'\n" + this, e);
            }
        }
        return lines;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nout:\n" + out + "\nerr:\n" + err;
    }
}
