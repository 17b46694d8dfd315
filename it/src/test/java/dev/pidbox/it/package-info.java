/**
 * pidbox-it: integration, interop, fault and benchmark suites against a real broker and real child JVMs, and the
 * checks that run after them (no queue left behind). Test code only.
 */
package dev.pidbox.it;
