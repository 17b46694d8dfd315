package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.LoggingHost.attempt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A host configured by {@code -Djava.util.logging.config.file} (the JDK's own LogManager, a FileHandler), run by
 * {@link JulReloadTest}: edits its configuration file between reloads and logs a FINE line after each.
 */
public final class JulReloadHost {
    private JulReloadHost() {
    }

    public static void main(String[] a) throws Exception {
        Path config = Paths.get(System.getProperty("java.util.logging.config.file"));
        String original = new String(Files.readAllBytes(config), StandardCharsets.ISO_8859_1);
        Logger app = Logger.getLogger("app.jul");
        Calls reload = Calls.of(new ReloadHandlers(), Collections.emptyMap());
        Map<String, Object> out = new LinkedHashMap<>();
        app.fine("fine before the edit");

        Files.write(config, (original + "app.jul.level = FINE\n").getBytes(StandardCharsets.ISO_8859_1));
        out.put("dry_run", attempt(reload, "reload", Collections.singletonMap("dry_run", true)));
        app.fine("fine after the dry run");
        out.put("reload", attempt(reload, "reload", Collections.emptyMap()));
        app.fine("fine after the reload");

        Files.write(config, (original + "app.jul.level = FINE\nbroken = \\u00zz\n").getBytes(StandardCharsets.ISO_8859_1));
        out.put("malformed", attempt(reload, "reload", Collections.emptyMap()));
        app.fine("fine after the malformed file");
        out.put("level_after_malformed", String.valueOf(app.getLevel()));
        LoggingHost.print(out);
    }
}
