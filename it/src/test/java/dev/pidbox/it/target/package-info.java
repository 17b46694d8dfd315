/**
 * Small main classes the integration tests start as target JVMs (an idle sleeper, a host with its own handler
 * provider, a host with conflicting library versions), to attach the agent to. For the tests in this module only.
 */
package dev.pidbox.it.target;
