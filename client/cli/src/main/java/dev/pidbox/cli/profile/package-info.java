/**
 * {@code pidbox profile}'s pure parts: the nodes' {@code profile} replies merged into one {@link
 * dev.pidbox.cli.profile.Profile} (in one or two groups), the differential view of two groups ({@link
 * dev.pidbox.cli.profile.Diff}), the collapsed-stack text that flamegraph.pl and speedscope read ({@link
 * dev.pidbox.cli.profile.Collapsed}) and the self-contained HTML flame graph ({@link
 * dev.pidbox.cli.profile.FlameGraphHtml}). No I/O and no broker here: functions of replies, so they are tested alone
 * and can serve the console too.
 */
package dev.pidbox.cli.profile;
