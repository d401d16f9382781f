/**
 * Kubernetes Events about custom resources: what the operator did and why. Thread-safe.
 */
package dev.kelpie.operator.events;
