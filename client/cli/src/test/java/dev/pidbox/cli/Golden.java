package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Golden files: recorded {@code -o json} documents of real calls (src/test/resources/golden/*.json, see the README
 * there) turned back into {@link CallResult}s, and the expected plain-text renderings next to them (*.txt). With
 * {@code -Dgolden.update=true} the renderings are written instead of compared, so a layout change shows up as a diff
 * of the .txt files in review.
 */
final class Golden {
    static final Path DIR = Paths.get("src", "test", "resources", "golden");
    static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private Golden() {
    }

    /** The recorded result: replies in their recorded order and times, the missing nodes, the counts and the elapsed time. */
    static CallResult load(String fixture) throws IOException {
        String text = Files.readString(DIR.resolve(fixture + ".json"), StandardCharsets.UTF_8);
        Map<String, Object> doc = Fields.map(JsonValues.decode(text));
        Map<String, Object> replies = Fields.map(doc.get("replies"));
        Map<String, Object> times = Fields.map(doc.get("reply_ms"));
        List<Reply> list = new ArrayList<>();
        List<String> names = new ArrayList<>();
        replies.forEach((node, value) -> {
            list.add(new Reply(node, value, Duration.ofMillis(Fields.longValue(times, node, 0))));
            names.add(node);
        });
        for (Object m : Fields.list(doc.get("missing"))) {
            names.add(String.valueOf(m));
        }
        Number expected = Fields.number(doc, "expected");
        boolean named = expected != null && expected.intValue() == names.size();
        return new CallResult("golden", list, named ? names : null, expected == null ? -1 : expected.intValue(),
                Duration.ofMillis(Fields.longValue(doc, "elapsed_ms", 0)), Fields.isTrue(doc, "deadline_reached"));
    }

    /** Compares {@code actual} with {@code <name>.txt}, or writes it there when updating. */
    static void check(String name, String actual) throws IOException {
        Path file = DIR.resolve(name + ".txt");
        if (UPDATE) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(file).as("golden file %s (run with -Dgolden.update=true to write it)", file).exists();
        assertThat(actual).as("rendering of %s (run with -Dgolden.update=true to rewrite the golden file)", name)
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
