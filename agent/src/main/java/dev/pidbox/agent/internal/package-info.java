/**
 * Internal classes of pidbox-agent (option parsing, the node's lifecycle in the host, the attach launcher), intended
 * solely for use within pidbox-agent; they may change or disappear without notice.
 */
package dev.pidbox.agent.internal;
