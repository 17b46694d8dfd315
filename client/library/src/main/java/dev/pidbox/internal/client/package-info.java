/**
 * The parts of the client side of pidbox, of which {@code dev.pidbox.Mailbox} keeps the settings, the public API
 * and the lifecycle: its channel ({@link MailboxChannel}), publishing ({@link Publisher}, with the routed resend in
 * {@link RoutedResend}), the reply queue ({@link ReplyQueue}), reply routing ({@link ReplyRouter}) and the gather of
 * one call ({@link Gather}). One call goes: {@code Mailbox.call} -> {@link ReplyQueue#ensureConsuming()} ->
 * {@link ReplyRouter#register(Gather)} -> {@link Publisher#call} -> {@link Gather#await()}, while replies go
 * {@link ReplyQueue} -> {@link ReplyRouter#onReply} -> {@link Gather#offer}.
 *
 * <p>These classes are intended solely for use within pidbox-client; they may change without notice.
 */
package dev.pidbox.internal.client;
