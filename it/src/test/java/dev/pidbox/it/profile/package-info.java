/**
 * Integration tests of {@code profile}: the shipped agent in child JVMs whose hot spots are known ({@link
 * dev.pidbox.it.profile.HotSpotApp}), profiled with the shipped {@code pidbox} CLI on Java 17 and 25; comparisons of
 * two groups; and the handler's safety (one at a time, the maximum duration, detaching mid-profile, the reply cap).
 */
package dev.pidbox.it.profile;
