package dev.pidbox.jmx;

/**
 * A host application's own reload step, run by the {@code reload} command. Register an implementation in
 * {@code META-INF/services/dev.pidbox.jmx.ReloadHook} on the application's class path; it is found with
 * {@link java.util.ServiceLoader} each time {@code reload} runs and needs a public no-argument constructor.
 *
 * <pre>{@code
 * public final class FeatureFlagsReload implements ReloadHook {
 *     public Object reload() throws Exception {
 *         int n = FeatureFlags.reloadFromDisk();
 *         return Map.of("flags", n);
 *     }
 * }
 * }</pre>
 */
public interface ReloadHook {
    /** The name shown in the reload reply; by default the class name. */
    default String name() {
        return getClass().getName();
    }

    /**
     * Reloads. Runs on a pidbox handler thread; keep it short.
     *
     * @return a JSON-able summary shown in the reply (null for none)
     * @throws Exception reported as this step's error; other steps still run
     */
    Object reload() throws Exception;
}
