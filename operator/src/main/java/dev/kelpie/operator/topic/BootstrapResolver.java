package dev.kelpie.operator.topic;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.model.BrokerPorts;
import dev.kelpie.operator.model.ClusterNames;

/**
 * Where the Topic reconciler's Admin client connects for a Cluster. Inside Kubernetes it is the Cluster's
 * bootstrap Service; tests point it at a broker of their own. Implementations must be thread-safe: Topics
 * reconcile in parallel.
 */
@FunctionalInterface
public interface BootstrapResolver {

    /** The {@code bootstrap.servers} value for {@code cluster}. */
    String bootstrapServers(Cluster cluster);

    /**
     * The bootstrap Service, {@code <cluster>-bootstrap.<ns>.svc:<port>}: as {@code status.bootstrapServers}
     * says once the Cluster was reconciled, else with the default listener port.
     */
    static BootstrapResolver bootstrapService() {
        return cluster -> {
            if (cluster.getStatus() != null && cluster.getStatus().getBootstrapServers() != null) {
                return cluster.getStatus().getBootstrapServers();
            }
            return new ClusterNames(cluster.getMetadata().getName(), cluster.getMetadata().getNamespace())
                    .bootstrapServers(BrokerPorts.DEFAULT_LISTENER_PORT);
        };
    }
}
