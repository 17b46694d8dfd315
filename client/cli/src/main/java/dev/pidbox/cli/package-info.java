/**
 * The {@code pidbox} command-line tool (picocli), built into {@code pidbox.jar} by pidbox-cli: commands parse their
 * options, call pidbox-client and render the replies. For people and scripts through the command line, which is its
 * documented interface; these classes are not a library API.
 */
package dev.pidbox.cli;
