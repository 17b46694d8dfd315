/**
 * {@code pidbox console}: a local web server on the JDK's own HTTP server that watches the fleet (a gather of
 * {@code vitals}, or Celery's {@code stats}, every interval), keeps a bounded history and an event journal in memory,
 * and serves a single page, a JSON API, server-sent events and Prometheus metrics over the library's fleet
 * operations. Nothing here is loaded by the other commands. See {@code docs/console.md}.
 */
package dev.pidbox.cli.console;
