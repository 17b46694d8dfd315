/**
 * Security of pidbox-client, for node embedders, callers and the agent: request signing ({@link
 * dev.pidbox.security.Signer}, {@link dev.pidbox.security.Keys}), the keys a node trusts ({@link
 * dev.pidbox.security.TrustedKeys}), who may receive replies ({@link dev.pidbox.security.ReplyUsers}) and what a node
 * lets callers run ({@link dev.pidbox.security.Policy}, with rules other modules add through {@link
 * dev.pidbox.security.PolicyExtension}).
 */
package dev.pidbox.security;
