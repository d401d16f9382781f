/**
 * What a Cluster should own, as pure functions of the Cluster: validation ({@code ClusterValidation},
 * {@code StorageChanges}, {@code ScaleChanges}), defaults ({@code ResolvedSpec}) and one factory per owned kind,
 * gathered by {@code ClusterModel}. Nothing here calls the API server or reads a clock, so golden-file tests
 * pin the output.
 *
 * <p>Every class is stateless and thread-safe.
 */
package dev.kelpie.operator.model;
