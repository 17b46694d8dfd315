/**
 * A small third-party-style application for the real-apps suite of pidbox-it (built here, run with the shipped
 * agent jar); not part of pidbox.
 */
package org.example.shop;
