package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void theProgressLineCountsRepliesAgainstTheExpected() {
        StringWriter err = new StringWriter();
        try (Progress p = Progress.start(new PrintWriter(err), 3, false)) {
            p.reply();

            assertThat(p.line()).matches("replies 1/3, elapsed \\d+\\.\\ds");
        }
        assertThat(err.toString()).as("nothing is drawn when stderr is not a terminal").isEmpty();
    }

    @Test
    void aBroadcastWithoutExpectationShowsAQuestionMark() throws Exception {
        StringWriter err = new StringWriter();
        try (Progress p = Progress.start(new PrintWriter(err), -1, true)) {
            Thread.sleep(150);
        }
        assertThat(err.toString()).contains("\rreplies 0/?, elapsed ").endsWith("\r");
    }
}
