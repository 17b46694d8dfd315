/**
 * The embedded single-host AMQP broker of the command-line tool, for the quick start, the demo and test runs where
 * no RabbitMQ exists. Part of pidbox-cli only (never in the library or agent jar); not a stand-in for RabbitMQ.
 */
package dev.pidbox.broker;
