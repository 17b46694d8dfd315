package dev.pidbox.it.console;

import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The host application of the console's fleet: it owns the java.util.logging logger {@value #LOGGER} (level INFO,
 * held for the life of the JVM) and one named with markup ({@link #HOSTILE}), prints {@code READY <pid>}, and then, whenever its own {@code LogManager} shows a
 * new level for that logger, prints {@code LEVEL <logger> <level>}: an oracle that is not pidbox. It returns from
 * main when its standard input closes.
 */
public final class ShopApp {
    static final String LOGGER = "pbt.console.orders";
    /** A logger whose name is markup with a script in it: a page must show it as text. */
    static final String HOSTILE = "pbt.console.<img src=x onerror=\"window.pwned=1\">";
    private static final Logger ORDERS = Logger.getLogger(LOGGER);
    private static final Logger MARKUP = Logger.getLogger(HOSTILE);

    private ShopApp() {
    }

    public static void main(String[] args) throws Exception {
        ORDERS.setLevel(Level.INFO);
        MARKUP.setLevel(Level.WARNING);
        Thread watcher = new Thread(ShopApp::watchLevel, "shop-level-watcher");
        watcher.setDaemon(true);
        watcher.start();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
    }

    private static void watchLevel() {
        String shown = null;
        while (true) {
            Level level = Logger.getLogger(LOGGER).getLevel();
            String now = level == null ? "null" : level.getName();
            if (!Objects.equals(now, shown)) {
                shown = now;
                System.out.println("LEVEL " + LOGGER + " " + now);
                System.out.flush();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
