/**
 * Internal classes of pidbox-client (the wire format, the JSON codec, matchers, the client's plumbing), intended
 * solely for use within pidbox-client; they may change or disappear without notice. Other modules use the public
 * API in {@code dev.pidbox} and the SPI in {@code dev.pidbox.spi}.
 */
package dev.pidbox.internal;
