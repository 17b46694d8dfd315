/**
 * The shipped jars inside real third-party applications (Spring Boot, Tomcat, Kafka, ZooKeeper), checked against
 * each application's own oracle.
 */
package dev.pidbox.it.realapps;
