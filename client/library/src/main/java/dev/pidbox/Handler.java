package dev.pidbox;

/**
 * The body of a pidbox command: a function of the node's context and the request's arguments to a
 * JSON-able result.
 *
 * <p>The result may be null, a {@link String}, {@link Number}, {@link Boolean}, a {@link java.util.Map}
 * with string keys, a {@link java.util.Collection} or array of such values. Anything thrown becomes an
 * error reply {@code {"error": "Type('message')"}}; it never crosses the broker as an exception.
 *
 * <p>The SPI uses plain Java types only, so a host application can implement handlers without
 * depending on the JSON library the node uses (the agent relocates it).
 */
@FunctionalInterface
public interface Handler {
    Object handle(HandlerContext context, Arguments arguments) throws Exception;
}
