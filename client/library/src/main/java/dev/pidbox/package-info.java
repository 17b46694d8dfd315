/**
 * The API of pidbox-client, kombu's pidbox (Celery's remote-control mailbox) for the JVM, for three audiences:
 * callers ({@link dev.pidbox.Mailbox}: call, cast, broadcast and multi-call, and their {@link dev.pidbox.CallResult}
 * and {@link dev.pidbox.Reply} values), node embedders ({@link dev.pidbox.Node} and its builder) and handler authors
 * (the handler SPI: {@link dev.pidbox.Handler}, {@link dev.pidbox.HandlerDefinition},
 * {@link dev.pidbox.HandlerContext}, {@link dev.pidbox.HandlerProvider}, {@link dev.pidbox.Arguments}). Small,
 * documented and stable; everything else lives in {@code internal} packages.
 */
package dev.pidbox;
