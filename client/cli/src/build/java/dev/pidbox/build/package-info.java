/** Build steps of the CLI's package phase; compiled and run by the build, never part of the shipped jar. */
package dev.pidbox.build;
