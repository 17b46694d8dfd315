/**
 * The demo of the command-line tool ({@code java -jar pidbox.jar demo}): a sample application with a node, and
 * the scripted session that shows it. For people trying pidbox out; not a library API.
 */
package dev.pidbox.cli.demo;
