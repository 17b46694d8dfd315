/**
 * The fleet console ({@code pidbox console}) in a real headless Chromium driven by WebDriver, and its HTTP API over
 * plain {@code java.net.http}, against agent-attached child JVMs and a Celery worker on RabbitMQ.
 */
package dev.pidbox.it.console;
