/**
 * Integration tests of the shipped agent jar: attach, lifecycle, broker restarts, host safety and the jar's
 * contents after shading.
 */
package dev.pidbox.it.agent;
