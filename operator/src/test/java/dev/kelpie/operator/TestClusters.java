package dev.kelpie.operator;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.ClusterSpec;
import dev.kelpie.operator.api.StorageSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Cluster resources for the tests that run the operator against the mock API server. */
public final class TestClusters {

    private TestClusters() {
    }

    /** A Cluster of {@code replicas} brokers with 1Gi volumes, everything else left to the defaults. */
    public static Cluster cluster(String namespace, String name, int replicas) {
        Cluster cluster = new Cluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        ClusterSpec spec = new ClusterSpec();
        spec.setReplicas(replicas);
        StorageSpec storage = new StorageSpec();
        storage.setSize("1Gi");
        spec.setStorage(storage);
        cluster.setSpec(spec);
        return cluster;
    }
}
