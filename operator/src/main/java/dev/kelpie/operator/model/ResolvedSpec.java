package dev.kelpie.operator.model;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.ClusterSpec;
import dev.kelpie.operator.api.JvmOptions;
import dev.kelpie.operator.api.ListenerSpec;
import dev.kelpie.operator.api.MetricsSpec;
import dev.kelpie.operator.api.PodTemplate;
import dev.kelpie.operator.api.StorageSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Locale;

/**
 * A validated Cluster spec with every default filled in: what the resource factories read.
 *
 * @param names resource and DNS names
 * @param clusterId the Kafka cluster id the brokers format their storage with
 * @param replicas broker pods
 * @param voters how many of the first pods vote in the metadata quorum
 * @param image broker image
 * @param version Kelpie version
 * @param storage the volume of each pod
 * @param resources container resources, or null
 * @param jvmOptions JVM options, or null
 * @param listeners client listeners, at least one
 * @param metricsEnabled whether pods are annotated for Prometheus
 * @param metricsPort the broker's HTTP port for metrics and probes
 * @param podTemplate user additions to the pods, never null
 * @param brokerProperties the shared {@code server.properties} content
 */
public record ResolvedSpec(
        ClusterNames names,
        String clusterId,
        int replicas,
        int voters,
        String image,
        String version,
        StorageSpec storage,
        ResourceRequirements resources,
        JvmOptions jvmOptions,
        List<Listener> listeners,
        boolean metricsEnabled,
        int metricsPort,
        PodTemplate podTemplate,
        String brokerProperties) {

    /**
     * A client listener as the broker sees it.
     *
     * @param name the spec's name; it also names container and Service ports
     * @param port the port
     */
    public record Listener(String name, int port) {

        /** The Kafka listener name in {@code listeners} and {@code advertised.listeners}. */
        public String kafkaName() {
            return name.toUpperCase(Locale.ROOT);
        }
    }

    /** Resolves a Cluster that {@link ClusterValidation} found no blocking problem in. */
    public static ResolvedSpec of(Cluster cluster, OperatorDefaults defaults) {
        ClusterSpec spec = cluster.getSpec();
        if (spec == null || spec.getReplicas() == null || spec.getStorage() == null) {
            throw new IllegalArgumentException("Cluster " + cluster.getMetadata().getName() + " was not validated");
        }
        ClusterNames names = new ClusterNames(cluster.getMetadata().getName(), cluster.getMetadata().getNamespace());
        int replicas = spec.getReplicas();
        String version = spec.getVersion() != null ? spec.getVersion() : defaults.brokerVersion();
        String image = spec.getImage() != null ? spec.getImage() : defaults.brokerImageRepository() + ":" + version;
        List<Listener> listeners = listeners(spec.getListeners());
        int metricsPort = metricsPort(spec.getMetrics());
        int voters = Math.min(BrokerPorts.QUORUM_VOTERS_MAX, replicas);
        String properties = BrokerProperties.render(names, replicas, voters, listeners, metricsPort, spec.getConfig());
        PodTemplate podTemplate = spec.getTemplate() != null && spec.getTemplate().getPod() != null
                ? spec.getTemplate().getPod() : new PodTemplate();
        return new ResolvedSpec(names, ClusterIds.of(cluster), replicas, voters, image, version, spec.getStorage(),
                spec.getResources(), spec.getJvmOptions(), listeners, metricsEnabled(spec.getMetrics()),
                metricsPort, podTemplate, properties);
    }

    static int metricsPort(MetricsSpec metrics) {
        return metrics != null && metrics.getPort() != null ? metrics.getPort() : BrokerPorts.DEFAULT_METRICS_PORT;
    }

    static boolean metricsEnabled(MetricsSpec metrics) {
        return metrics == null || metrics.getEnabled() == null || metrics.getEnabled();
    }

    private static List<Listener> listeners(List<ListenerSpec> specs) {
        if (specs == null || specs.isEmpty()) {
            return List.of(new Listener(BrokerPorts.DEFAULT_LISTENER_NAME, BrokerPorts.DEFAULT_LISTENER_PORT));
        }
        return specs.stream().map(l -> new Listener(l.getName(), l.getPort())).toList();
    }

    public boolean deleteClaim() {
        return Boolean.TRUE.equals(storage.getDeleteClaim());
    }

    /** The first listener's address through the bootstrap Service. */
    public String bootstrapServers() {
        return names.bootstrapServers(listeners.get(0).port());
    }
}
