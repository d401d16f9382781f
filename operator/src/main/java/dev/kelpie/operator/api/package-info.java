/**
 * The custom resources, group {@code kelpie.dev}, version {@code v1alpha1}: {@link dev.kelpie.operator.api.Cluster}
 * and {@link dev.kelpie.operator.api.Topic}. The CRDs under the repository's {@code crds/} are generated from
 * these classes; their annotations are the schema (required fields, minimums, enums, printer columns).
 *
 * <p>Mutable Jackson beans, as fabric8 and JOSDK require: not thread-safe; each reconcile works on its own copy.
 */
package dev.kelpie.operator.api;
