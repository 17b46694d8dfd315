/**
 * The entry classes of pidbox-agent: {@link dev.pidbox.agent.Agent} ({@code premain} and {@code agentmain} of
 * {@code -javaagent:pidbox-agent.jar}), {@link dev.pidbox.agent.Launcher} ({@code java -jar pidbox-agent.jar attach
 * <pid>}, {@code status}, {@code list}) and {@link dev.pidbox.agent.NodeMXBean}, the node's MBean. For the JVM and
 * for people at the command line; not a library API.
 */
package dev.pidbox.agent;
