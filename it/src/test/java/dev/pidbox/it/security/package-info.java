/**
 * Security tests: policy and signatures cell by cell, hostile input, forged replies, redaction, TLS and least
 * privilege.
 */
package dev.pidbox.it.security;
