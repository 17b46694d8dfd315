/**
 * Fault tests that restart, alarm or kill parts of the system (the broker, nodes, handlers); run on their own.
 */
package dev.pidbox.it.faults;
