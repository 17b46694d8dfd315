/**
 * Architecture checks that need no broker: what the shipped jars hold, and the modules' boundaries (no use of
 * another module's internal package, a documented package-info for every package).
 */
package dev.pidbox.it.architecture;
