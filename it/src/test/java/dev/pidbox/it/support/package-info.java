/**
 * Shared test support: the broker, Python peers, child JVMs, reply queues and TLS fixtures.
 */
package dev.pidbox.it.support;
