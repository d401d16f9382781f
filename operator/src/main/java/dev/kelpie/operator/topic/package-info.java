/**
 * Topics: {@code TopicReconciler} keeps a Kafka topic in line with its Topic resource. {@code TopicPlanner}
 * compares the resource with the topic the broker describes and lists the Admin calls that reconcile them (a
 * pure function); {@code TopicAdmin} makes those calls, each bounded in time, through the Admin client that
 * {@code AdminClients} keeps per Cluster; {@code TopicOutcome} and {@code TopicStatuses} turn what happened
 * into the status.
 *
 * <p>Every class is stateless, immutable or documented as thread-safe.
 */
package dev.kelpie.operator.topic;
