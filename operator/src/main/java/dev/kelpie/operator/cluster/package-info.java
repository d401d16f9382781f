/**
 * The Cluster reconciler and the JOSDK dependents it applies. JOSDK runs at most one reconcile per Cluster at
 * a time and Clusters in parallel; the reconciler's own state is documented on it. Dependents are stateless.
 */
package dev.kelpie.operator.cluster;
