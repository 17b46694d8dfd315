package dev.pidbox.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.spi.JsonValues;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FlameGraphHtmlTest {
    private static final String NASTY = "</script><img src=x onerror=alert(1)>&amp\u2028";

    private static Profile profile() {
        return Profile.of(List.of(ProfileTest.reply("web.1@h<ost>", "samples", "main;" + NASTY, 3, "main;ok", 1)),
                List.of("all"), n -> 0);
    }

    private static Map<?, ?> embedded(String html) throws Exception {
        Matcher m = Pattern.compile("<script id=\"profile-data\" type=\"application/json\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        return (Map<?, ?>) JsonValues.decode(m.group(1));
    }

    @Test
    void framesAndNodeNamesCannotBreakOutOfTheEmbeddedData() throws Exception {
        String html = FlameGraphHtml.render(profile(), "t <b>", "m");
        assertThat(html).doesNotContain("<img").doesNotContain("<ost>").doesNotContain("<b>");
        // the page holds exactly its two script elements
        assertThat(html.split("</script>", -1)).hasSize(3);
        Map<?, ?> data = embedded(html);
        assertThat(data.get("frames")).asList().contains(NASTY);
        assertThat(data.get("title")).isEqualTo("t <b>");
    }

    @Test
    void thePageNeedsNoNetwork() {
        String html = FlameGraphHtml.render(Profile.of(List.of(ProfileTest.reply("n", "samples", "main;work", 1)),
                List.of("all"), n -> 0), "t", "m");
        assertThat(html).doesNotContainPattern("(?i)https?://").doesNotContainPattern("(?i)\\ssrc=")
                .doesNotContainPattern("(?i)<link").contains("default-src 'none'");
    }

    @Test
    void framesAreStoredOnceAndStacksReferToThem() throws Exception {
        Map<?, ?> data = embedded(FlameGraphHtml.render(profile(), "t", "m"));
        assertThat(data.get("frames")).isEqualTo(List.of("main", NASTY, "ok"));
        assertThat(String.valueOf(data.get("stacks"))).isEqualTo("[[0, 3, 0, 1], [0, 1, 0, 2]]");
        assertThat(String.valueOf(data.get("nodes"))).isEqualTo("[{name=web.1@h<ost>, group=0}]");
    }
}
