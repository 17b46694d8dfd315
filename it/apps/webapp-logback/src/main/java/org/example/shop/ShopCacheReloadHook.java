package org.example.shop;

import dev.pidbox.jmx.ReloadHook;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shop's step in pidbox's {@code reload}, found through WEB-INF/classes/META-INF/services. Only the agent looks
 * that service up; without the agent nothing references this class, so the missing interface never matters.
 */
public class ShopCacheReloadHook implements ReloadHook {
    private static int reloads;

    @Override
    public String name() {
        return "shop-cache";
    }

    @Override
    public Object reload() {
        int n;
        synchronized (ShopCacheReloadHook.class) {
            n = ++reloads;
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("entries", 3);
        summary.put("reloads", n);
        summary.put("requests", HelloServlet.REQUESTS.get());
        return summary;
    }
}
