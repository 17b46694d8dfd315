package dev.pidbox.it.target;

/**
 * A host application for agent tests: prints {@code READY <pid>}, sleeps for {@code args[0]} ms (or
 * until its standard input closes when {@code args[0]} is {@code stdin}), prints {@code DONE} and
 * returns from main. It exits only if nothing else keeps the JVM alive.
 */
public final class SleeperApp {
    private SleeperApp() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        if (args.length > 0 && args[0].equals("stdin")) {
            while (System.in.read() >= 0) {
                // wait for EOF
            }
        } else {
            Thread.sleep(args.length > 0 ? Long.parseLong(args[0]) : 60_000);
        }
        System.out.println("DONE");
        System.out.flush();
    }
}
