/**
 * The benchmark suite of BENCHMARKS.md (run with -Pbench, never in the default build).
 */
package dev.pidbox.it.bench;
