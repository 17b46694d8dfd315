package dev.pidbox.it.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Reads of the console's page for the tests, each in one script where a refresh could come between two reads (the
 * fleet table is redrawn every interval), by the selectors of the page contract in docs/console.md.
 */
final class Page {
    private Page() {
    }

    static String rowSelector(String node) {
        return "table#fleet tr[data-node='" + node + "']";
    }

    /** The {@code data-state} of a node's row, null when the table has no such row. */
    static String stateOf(WebDriver d, String node) {
        return (String) ((JavascriptExecutor) d).executeScript(
                "const tr = document.querySelector(arguments[0]); return tr ? tr.dataset.state : null;", rowSelector(node));
    }

    /**
     * The fleet table: node -> the row's data attributes, each cell's text under its column name and each cell's data
     * attributes as COLUMN.NAME.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, String>> fleetTable(WebDriver d) {
        return (Map<String, Map<String, String>>) ((JavascriptExecutor) d).executeScript("const out = {};"
                + "for (const tr of document.querySelectorAll('table#fleet tr[data-node]')) {"
                + "  const row = Object.assign({}, tr.dataset);"
                + "  for (const td of tr.querySelectorAll('td[data-col]')) {"
                + "    row[td.dataset.col] = td.innerText.trim();"
                + "    for (const [k, v] of Object.entries(td.dataset)) if (k !== 'col') row[td.dataset.col + '.' + k] = v;"
                + "  }"
                + "  out[tr.dataset.node] = row;"
                + "}"
                + "return out;");
    }

    /** An attribute of every element a selector finds. */
    @SuppressWarnings("unchecked")
    static List<String> attributes(WebDriver d, String selector, String attribute) {
        return (List<String>) ((JavascriptExecutor) d).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));",
                selector, attribute);
    }

    /** The text of the page, for failure messages. */
    static String text(WebDriver d) {
        try {
            return d.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "<" + e + ">";
        }
    }

    /** The hash route of a node page's tab. */
    static String nodeHash(String node, String tab) {
        return "/node/" + URLEncoder.encode(node, StandardCharsets.UTF_8).replace("+", "%20") + "/" + tab;
    }
}
