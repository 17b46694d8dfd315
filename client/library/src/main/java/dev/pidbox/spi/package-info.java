/**
 * The small public SPI of pidbox-client for handler authors and the other pidbox modules (jmx-handlers, the agent,
 * the command-line tool): the one owner of background threads ({@link dev.pidbox.spi.Threads}), name matching as
 * kombu matches ({@link dev.pidbox.spi.NamePattern}), Python-style error text ({@link dev.pidbox.spi.ErrorText}) and
 * JSON as the wire has it ({@link dev.pidbox.spi.JsonValues}). Stable like the API; use it instead of
 * {@code dev.pidbox.internal}.
 */
package dev.pidbox.spi;
