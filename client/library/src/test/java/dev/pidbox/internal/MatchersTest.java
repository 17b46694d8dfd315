package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.pidbox.MatchType;
import dev.pidbox.internal.GoldenCaptures.WireMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code glob} behaves as Python's {@code fnmatch.fnmatch(name, pattern)} and {@code pcre} as
 * {@code re.match(pattern, name)}, the two matchers kombu's Node uses (PROTOCOL.md section 4).
 *
 * <p>Every expected boolean in the tables below was produced by running the real Python 3.11.2
 * ({@code /usr/bin/python3 -c 'import fnmatch, re; ...'}) on the same pattern and name, then hard-coded.
 */
class MatchersTest {

    // ---- the headline semantics, one sentence each -------------------------------------------------------

    @Test
    void globMatchesTheWholeNameOnly() {
        assertThat(Matchers.matches(MatchType.GLOB, "node1", "node1@probe")).isFalse();
        assertThat(Matchers.matches(MatchType.GLOB, "node1@probe", "node1@probe")).isTrue();
    }

    @Test
    void globIsCaseSensitive() {
        assertThat(Matchers.matches(MatchType.GLOB, "NODE*", "node1@probe")).isFalse();
    }

    @Test
    void globTreatsRegexSpecialCharactersLiterally() {
        assertThat(Matchers.matches(MatchType.GLOB, "node.@probe", "node1@probe")).isFalse();
        assertThat(Matchers.matches(MatchType.GLOB, "a+b", "a+b")).isTrue();
    }

    @Test
    void globTreatsAnUnclosedBracketAsALiteralBracket() {
        assertThat(Matchers.matches(MatchType.GLOB, "node[1", "node[1")).isTrue();
        assertThat(Matchers.matches(MatchType.GLOB, "node[1", "node1")).isFalse();
    }

    @Test
    void pcreIsAnchoredAtTheStart() {
        assertThat(Matchers.matches(MatchType.PCRE, "probe", "node1@probe")).isFalse();
    }

    @Test
    void pcreIsAPrefixMatchWithNoImplicitEndAnchor() {
        assertThat(Matchers.matches(MatchType.PCRE, "node", "node1@probe")).isTrue();
    }

    @Test
    void pcreDotStarReachesIntoTheName() {
        assertThat(Matchers.matches(MatchType.PCRE, ".*2@", "node2@probe")).isTrue();
        assertThat(Matchers.matches(MatchType.PCRE, ".*2@", "node1@probe")).isFalse();
    }

    @Test
    void pcreAcceptsPythonNamedGroups() {
        assertThat(Matchers.matches(MatchType.PCRE, "(?P<n>node)\\d", "node1@probe")).isTrue();
    }

    @Test
    void pcreBackslashCapitalZIsTheEndOfTheName() {
        assertThat(Matchers.matches(MatchType.PCRE, "node1@probe\\Z", "node1@probe")).isTrue();
        assertThat(Matchers.matches(MatchType.PCRE, "node1\\Z", "node1@probe")).isFalse();
    }

    // ---- truth tables from Python 3.11 -------------------------------------------------------------------

    /** (pattern, name, fnmatch.fnmatch(name, pattern)) from Python 3.11.2. */
    static Stream<Arguments> pythonFnmatch() {
        return Stream.of(
                arguments("node*", "node1@probe", true),
                arguments("node*", "node2@probe", true),
                arguments("node*", "real@probe", false),
                arguments("node*", "xnode1@probe", false),
                arguments("*@probe", "node1@probe", true),
                arguments("*@probe", "node1@probe2", false),
                arguments("*", "node1@probe", true),
                arguments("*", "", true),
                arguments("", "", true),
                arguments("", "node", false),
                arguments("node?@probe", "node1@probe", true),
                arguments("node?@probe", "node12@probe", false),
                arguments("node?@probe", "node@probe", false),
                arguments("node[12]@probe", "node1@probe", true),
                arguments("node[12]@probe", "node3@probe", false),
                arguments("node[!12]@probe", "node3@probe", true),
                arguments("node[!12]@probe", "node1@probe", false),
                arguments("node[0-9]@probe", "node7@probe", true),
                arguments("node[0-9]@probe", "nodex@probe", false),
                arguments("node[a-c]*", "nodeb1@x", true),
                arguments("node[a-c]*", "noded1@x", false),
                arguments("NODE*", "node1@probe", false),
                arguments("node*", "NODE1@probe", false),
                arguments("Node1@Probe", "node1@probe", false),
                arguments("node1@probe", "node1@probe", true),
                arguments("node1", "node1@probe", false),
                arguments("probe", "node1@probe", false),
                arguments("node.@probe", "node1@probe", false),
                arguments("node.@probe", "node.@probe", true),
                arguments("a+b", "a+b", true),
                arguments("a+b", "aab", false),
                arguments("(x)", "(x)", true),
                arguments("x{2}", "xx", false),
                arguments("x{2}", "x{2}", true),
                arguments("^node", "^node", true),
                arguments("node$", "node$", true),
                arguments("a|b", "a|b", true),
                arguments("a|b", "a", false),
                arguments("a\\b", "a\\b", true),
                arguments("node[", "node[", true),
                arguments("node[1", "node[1", true),
                arguments("node[1", "node1", false),
                arguments("[", "[", true),
                arguments("[]]", "]", true),
                arguments("[]a]", "a", true),
                arguments("[!]]", "a", true),
                arguments("[!]]", "]", false),
                arguments("[]-]", "-", true),
                arguments("[]-]", "]", true),
                arguments("[a-c-e]", "-", true),
                arguments("[a-c-e]", "d", false),
                arguments("[a-c-e]", "e", true),
                arguments("[z-a]", "z", false),
                arguments("[z-a]", "a", false),
                arguments("[!z-a]", "q", true),
                arguments("[-a]", "-", true),
                arguments("[a-]", "-", true),
                arguments("[!a-c]", "b", false),
                arguments("[!a-c]", "d", true),
                arguments("[^a]", "^", true),
                arguments("[^a]", "b", false),
                arguments("[a&&b]", "&", true),
                arguments("[a~~b]", "~", true),
                arguments("[a||b]", "|", true),
                arguments("[\\]", "\\", true),
                arguments("*.example.com", "host.example.com", true),
                arguments("*.example.com", "hostxexample.com", false),
                arguments("worker-*@web?", "worker-12@web1", true),
                arguments("worker-*@web?", "worker-12@web12", false),
                arguments("**", "anything", true),
                arguments("*1*", "node1@probe", true),
                arguments("*1*", "node2@probe", false),
                arguments("?", "\u00e9", true),
                arguments("?", "\ud83d\ude00", true),
                arguments("n\u00f6de*", "n\u00f6de1@x", true),
                arguments("node*", "node1\n", true),
                arguments("node?", "node\n", true),
                arguments("*", "line1\nline2", true),
                arguments("a?c", "a\nc", true),
                arguments("[\u00e0-\u00fc]", "\u00e9", true),
                arguments("[\u00e0-\u00fc]", "a", false),
                arguments("node[1-3][!a-z]@*", "node2X@h", true),
                arguments("*[!@]", "node@", false),
                arguments("*[!@]", "node@x", true),
                arguments("[*]", "*", true),
                arguments("[*]", "x", false),
                arguments("[?]", "?", true),
                arguments("[?]", "x", false),
                arguments("\\*", "\\*", true),
                arguments("\\*", "*", false),
                arguments("[a-]]", "a]", true),
                arguments("[!-]", "-", false),
                arguments("[--0]", "/", true),
                arguments("[\\-x]", "\\", true),
                arguments("[\\-x]", "-", false),
                arguments("[a\\]b", "a\\", false),
                arguments("node[.]@", "node.@", true),
                arguments("node[.]@", "nodex@", false));
    }

    /** (pattern, name, re.match(pattern, name) is not None) from Python 3.11.2. */
    static Stream<Arguments> pythonReMatch() {
        return Stream.of(
                arguments("probe", "node1@probe", false),
                arguments(".*2@", "node2@probe", true),
                arguments(".*2@", "node1@probe", false),
                arguments("node", "node1@probe", true),
                arguments("node1@probe", "node1@probe", true),
                arguments("node1@probe$", "node1@probe", true),
                arguments("node$", "node1@probe", false),
                arguments("(?P<n>node)\\d", "node1@probe", true),
                arguments("(?P<n>node)\\d", "nodex@probe", false),
                arguments("(?P<n>node)(?P=n)", "nodenode", true),
                arguments("(?P<n>node)(?P=n)", "node1", false),
                arguments("node1@probe\\Z", "node1@probe", true),
                arguments("node1\\Z", "node1@probe", false),
                arguments("node1@probe\\Z", "node1@probe\n", false),
                arguments("node1@probe$", "node1@probe\n", true),
                arguments("\\Anode", "node1@probe", true),
                arguments("^node", "node1@probe", true),
                arguments("^probe", "node1@probe", false),
                arguments("NODE", "node1@probe", false),
                arguments("(?i)NODE", "node1@probe", true),
                arguments("node[12]@", "node2@probe", true),
                arguments("node[12]@", "node3@probe", false),
                arguments("n.de", "node1", true),
                arguments("n.de", "n\nde", false),
                arguments("(?s)n.de", "n\nde", true),
                arguments("\\w+@\\w+", "node1@probe", true),
                arguments("worker-\\d+@web", "worker-12@web1", true),
                arguments("a|node", "node1", true),
                arguments("x|y", "node1", false),
                arguments("", "node1", true),
                arguments(".*", "node1", true),
                arguments("node1@probe.", "node1@probe", false),
                arguments("node.@", "node1@probe", true),
                arguments("node\\.", "node1", false),
                arguments("[a-z]+\\d@", "node1@probe", true),
                arguments("(node|real)@", "real@probe", true),
                arguments("\\bnode", "node1", true));
    }

    @ParameterizedTest(name = "fnmatch({1}, {0}) is {2}")
    @MethodSource("pythonFnmatch")
    void globAgreesWithPythonFnmatch(String pattern, String name, boolean python) {
        assertThat(Matchers.matches(MatchType.GLOB, pattern, name)).isEqualTo(python);
    }

    @ParameterizedTest(name = "re.match({0}, {1}) is {2}")
    @MethodSource("pythonReMatch")
    void pcreAgreesWithPythonReMatch(String pattern, String name, boolean python) {
        assertThat(Matchers.matches(MatchType.PCRE, pattern, name)).isEqualTo(python);
    }

    // ---- corners where a naive translation disagrees with Python ----

    /** fnmatch with characters outside the BMP inside [...], from Python 3.11.2. */
    static Stream<Arguments> pythonFnmatchSupplementaryClasses() {
        return Stream.of(
                arguments("[\ud83d\ude00]", "\ud83d\ude00", true),
                arguments("[!\ud83d\ude00]", "\ud83d\ude00", false),
                arguments("node[\ud83d\ude00\ud83d\ude01]", "node\ud83d\ude01", true));
    }

    @ParameterizedTest(name = "fnmatch({1}, {0}) is {2}")
    @MethodSource("pythonFnmatchSupplementaryClasses")
    void globClassesMatchCharactersOutsideTheBmpAsPythonDoes(String pattern, String name, boolean python) {
        assertThat(Matchers.matches(MatchType.GLOB, pattern, name)).isEqualTo(python);
    }

    /** re.match with Unicode-aware \\d \\w \\s \\W and (?i), from Python 3.11.2 (str patterns are Unicode). */
    static Stream<Arguments> pythonReMatchUnicode() {
        return Stream.of(
                arguments("\\d", "\u0661", true),
                arguments("\\w+@", "n\u00f6de@x", true),
                arguments("\\w+@", "\u00e9@x", true),
                arguments("\\s", "\u00a0", true),
                arguments("(?i)\u00c9", "\u00e9", true),
                arguments("node\\W", "node\u00e9", false));
    }

    @ParameterizedTest(name = "re.match({0}, {1}) is {2}")
    @MethodSource("pythonReMatchUnicode")
    void pcreCharacterClassesAreUnicodeAwareAsInPython(String pattern, String name, boolean python) {
        assertThat(Matchers.matches(MatchType.PCRE, pattern, name)).isEqualTo(python);
    }

    /** re.match with group names containing '_', from Python 3.11.2. */
    static Stream<Arguments> pythonReMatchUnderscoreGroupNames() {
        return Stream.of(
                arguments("(?P<my_name>node)", "node1", true),
                arguments("(?P<_n>node)\\d", "node1", true),
                arguments("(?P<host_name>\\w+)@(?P=host_name)", "probe@probe", true));
    }

    @ParameterizedTest(name = "re.match({0}, {1}) is {2}")
    @MethodSource("pythonReMatchUnderscoreGroupNames")
    void pcreAcceptsGroupNamesWithUnderscoresAsPythonDoes(String pattern, String name, boolean python) {
        assertThat(Matchers.matches(MatchType.PCRE, pattern, name)).isEqualTo(python);
    }

    /** re.match where '{' is a literal or {,n} a quantifier, from Python 3.11.2. */
    static Stream<Arguments> pythonReMatchBraces() {
        return Stream.of(
                arguments("node{", "node{1}", true),
                arguments("x{,2}y", "xxy", true),
                arguments("node{1@", "node{1@probe", true),
                arguments("a{b}", "a{b}", true));
    }

    @ParameterizedTest(name = "re.match({0}, {1}) is {2}")
    @MethodSource("pythonReMatchBraces")
    void pcreReadsBracesAsPythonDoes(String pattern, String name, boolean python) {
        assertThat(Matchers.matches(MatchType.PCRE, pattern, name)).isEqualTo(python);
    }

    // ---- what real kombu nodes selected ------------------------------------------------------------------

    static Stream<Arguments> capturedSelections() {
        return Stream.of(
                arguments("glob-node*"),
                arguments("pcre-probe(anchored: no match)"),
                arguments("pcre-.*2@"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedSelections")
    void aCapturedPatternSelectsTheNodesThatRepliedToKombu(String label) throws Exception {
        // capture_fanout.jsonl ran two kombu nodes, node1@probe and node2@probe, on a fanout mailbox.
        WireMessage request = GoldenCaptures.find("capture_fanout.jsonl", label, false);
        IncomingRequest in = IncomingRequest.parse(request.deliveredProperties(), request.body(), 1 << 20);
        MatchType type = MatchType.fromWireName((String) in.matcher());
        Set<String> replied = new TreeSet<>();
        for (WireMessage m : GoldenCaptures.replies()) {
            if (m.file.equals(request.file) && m.label.equals(label)) {
                replied.addAll(((Map<String, ?>) Json.decode(m.body())).keySet());
            }
        }

        Set<String> selected = Stream.of("node1@probe", "node2@probe")
                .filter(node -> Matchers.matches(type, (String) in.pattern(), node))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(selected).isEqualTo(replied);
    }

    // ---- compilation -------------------------------------------------------------------------------------

    @Test
    void anInvalidPcrePatternIsRefusedWithAMessageNamingIt() {
        assertThatThrownBy(() -> Matchers.compile(MatchType.PCRE, "(unclosed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pcre")
                .hasMessageContaining("(unclosed");
    }

    @Test
    void everyGlobCompiles() {
        for (String glob : List.of("[", "[!", "[]", "[!]", "]", "\\", "*?[", "[z-a]", "[a-]")) {
            assertThat(Matchers.compile(MatchType.GLOB, glob)).as(glob).isNotNull();
        }
    }

    @Test
    void aCompiledPatternIsCachedAndReused() {
        assertThat(Matchers.compile(MatchType.PCRE, "cache-me-[0-9]+"))
                .isSameAs(Matchers.compile(MatchType.PCRE, "cache-me-[0-9]+"));
    }

    @Test
    void theSameTextCompilesDifferentlyAsGlobAndAsPcre() {
        assertThat(Matchers.matches(MatchType.GLOB, "node.", "node1")).isFalse();
        assertThat(Matchers.matches(MatchType.PCRE, "node.", "node1")).isTrue();
    }

    @Test
    void matcherWireNamesAreKombus() {
        assertThat(MatchType.GLOB.wireName()).isEqualTo("glob");
        assertThat(MatchType.PCRE.wireName()).isEqualTo("pcre");
        assertThat(MatchType.fromWireName("pcre")).isEqualTo(MatchType.PCRE);
    }

    @Test
    void anUnknownMatcherNameIsRefused() {
        assertThatThrownBy(() -> MatchType.fromWireName("regex"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("regex");
    }
}
