package dev.kelpie.operator.model;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Names of everything the operator creates for one Cluster, and the DNS names derived from them. Pod
 * {@code <cluster>-<n>} has node id {@code n} and the stable name {@code <cluster>-<n>.<cluster>-headless.<ns>.svc}.
 *
 * @param cluster the Cluster's metadata.name
 * @param namespace the Cluster's namespace
 */
public record ClusterNames(String cluster, String namespace) {

    /**
     * Longest Cluster name: a StatefulSet's pods carry a {@code controller-revision-hash} label of the name
     * plus 11 characters, and label values stop at 63.
     */
    public static final int CLUSTER_NAME_LENGTH_MAX = 52;

    public String statefulSet() {
        return cluster;
    }

    public String headlessService() {
        return cluster + "-headless";
    }

    public String bootstrapService() {
        return cluster + "-bootstrap";
    }

    public String configMap() {
        return cluster + "-config";
    }

    public String podDisruptionBudget() {
        return cluster;
    }

    public String serviceAccount() {
        return cluster;
    }

    public String pod(int ordinal) {
        return cluster + "-" + ordinal;
    }

    /** The DNS domain under which every pod has a stable name, through the headless Service. */
    public String podDomain() {
        return headlessService() + "." + namespace + ".svc";
    }

    public String podHost(int ordinal) {
        return pod(ordinal) + "." + podDomain();
    }

    public String bootstrapServers(int port) {
        return bootstrapService() + "." + namespace + ".svc:" + port;
    }

    /** {@code controller.quorum.voters}: node id {@code n} at pod {@code n}'s stable name. */
    public String quorumVoters(int voterCount, int controllerPort) {
        return IntStream.range(0, voterCount)
                .mapToObj(n -> n + "@" + podHost(n) + ":" + controllerPort)
                .collect(Collectors.joining(","));
    }
}
