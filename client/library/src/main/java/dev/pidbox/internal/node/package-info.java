/**
 * Internal classes of pidbox-client: the node's request pipeline (parse and address filter, authenticate,
 * authorise, execute, reply), intended solely for use within pidbox-client; they may change or disappear without
 * notice. Embed a node through {@code dev.pidbox.Node}.
 */
package dev.pidbox.internal.node;
