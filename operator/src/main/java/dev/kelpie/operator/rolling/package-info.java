/**
 * Rolling restarts of broker pods: {@code RestartPlanner} picks the next pod to delete, if any, from the pods'
 * state; the Cluster reconciler carries out one step per reconcile.
 *
 * <p>Every class is stateless and thread-safe.
 */
package dev.kelpie.operator.rolling;
