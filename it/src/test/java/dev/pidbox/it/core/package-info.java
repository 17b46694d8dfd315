/**
 * Integration tests of Mailbox and Node against RabbitMQ: calls, routed delivery, bad input, limits and audit.
 */
package dev.pidbox.it.core;
