/**
 * Internal classes of pidbox-jmx-handlers (the handler groups, JMX and JSON conversion, the host's class loaders and
 * loggers), intended solely for use within pidbox-jmx-handlers; they may change or disappear without notice. Other
 * modules use {@code dev.pidbox.jmx}.
 */
package dev.pidbox.jmx.internal;
