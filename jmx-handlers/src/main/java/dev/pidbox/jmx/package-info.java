/**
 * The public API of pidbox-jmx-handlers, the built-in handlers that serve a JVM's introspection and MBeans: {@link
 * dev.pidbox.jmx.JmxHandlers} (the handlers, found as a {@code HandlerProvider}), {@link dev.pidbox.jmx.PidboxMetrics},
 * {@link dev.pidbox.jmx.Redactor}, the {@link dev.pidbox.jmx.ReloadHook} SPI for applications, {@link
 * dev.pidbox.jmx.MBeanPolicy} (the policy file's MBean rules) and, for the agent, {@link dev.pidbox.jmx.LoadedClasses}
 * and {@link dev.pidbox.jmx.HostClassLoaders}. For applications that embed a node and for the agent.
 */
package dev.pidbox.jmx;
