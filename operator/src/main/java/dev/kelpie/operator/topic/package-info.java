/**
 * Topics: {@code TopicPlanner} compares a Topic resource with the topic the broker describes and lists the
 * Admin calls that reconcile them. The reconciler that makes those calls comes with the broker.
 *
 * <p>Every class is stateless or immutable, and thread-safe.
 */
package dev.kelpie.operator.topic;
