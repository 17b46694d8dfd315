/**
 * Integration tests of the shipped command-line tool, pidbox.jar, against agents in child JVMs.
 */
package dev.pidbox.it.cli;
