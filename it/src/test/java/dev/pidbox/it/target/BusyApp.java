package dev.pidbox.it.target;

import java.util.concurrent.locks.LockSupport;

/**
 * A host application with one known hot spot: the thread {@code busy-burner} spends all its time in
 * {@link #burn()}, while 20 {@code idle-sleeper-N} threads sleep. Prints {@code READY <pid>} and runs until its
 * standard input closes.
 */
public final class BusyApp {
    private static volatile long sink;

    private BusyApp() {
    }

    public static void main(String[] args) throws Exception {
        Thread burner = new Thread(BusyApp::burn, "busy-burner");
        burner.setDaemon(true);
        burner.start();
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> {
                while (true) {
                    LockSupport.parkNanos(1_000_000_000L);
                }
            }, "idle-sleeper-" + i);
            t.setDaemon(true);
            t.start();
        }
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until EOF
        }
    }

    static void burn() {
        long x = 1;
        while (true) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            if ((x & 0xFFFFF) == 0) {
                sink = x;
            }
        }
    }
}
