/**
 * The README's demo, run from the shipped pidbox.jar.
 */
package dev.pidbox.it.demo;
