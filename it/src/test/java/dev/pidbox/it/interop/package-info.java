/**
 * Interoperability with Python peers: kombu mailboxes and nodes, Celery workers and the celery command line.
 */
package dev.pidbox.it.interop;
