package dev.kelpie.operator.runtime;

import dev.kelpie.operator.model.OperatorDefaults;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's settings, from environment variables (the Deployment sets them; the Helm chart will too).
 *
 * <ul>
 *   <li>{@code KELPIE_WATCH_NAMESPACES}: comma-separated namespaces to watch; empty or unset watches all.
 *   <li>{@code KELPIE_OPERATOR_HTTP_PORT}: port of {@code /metrics} and {@code /healthz}, default 8080.
 *   <li>{@code KELPIE_LEADER_ELECTION}: {@code true} (default) to run as one of several replicas behind a Lease.
 *   <li>{@code KELPIE_LEASE_NAME}: default {@code kelpie-operator}.
 *   <li>{@code POD_NAMESPACE}, {@code POD_NAME}: the Lease's namespace and this replica's identity
 *       (downward API); without a namespace there is no leader election.
 *   <li>{@code KELPIE_BROKER_IMAGE_REPOSITORY}: where broker images come from, default {@code kelpie/broker}.
 * </ul>
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param httpPort HTTP port; 0 picks a free one
 * @param leaderElection whether to take a Lease before reconciling
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace
 * @param identity this replica's name in the Lease
 * @param defaults what Clusters get when they leave fields out
 */
public record OperatorSettings(
        Set<String> watchNamespaces,
        int httpPort,
        boolean leaderElection,
        String leaseName,
        String leaseNamespace,
        String identity,
        OperatorDefaults defaults) {

    public static final int DEFAULT_HTTP_PORT = 8080;

    public OperatorSettings {
        watchNamespaces = Set.copyOf(watchNamespaces);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("KELPIE_OPERATOR_HTTP_PORT must be 0-65535, got " + httpPort);
        }
        if (leaderElection && (leaseNamespace == null || leaseNamespace.isBlank())) {
            throw new IllegalArgumentException("leader election needs POD_NAMESPACE for its Lease; set it with the "
                    + "downward API or set KELPIE_LEADER_ELECTION=false");
        }
    }

    public static OperatorSettings fromEnvironment(Map<String, String> env) {
        Set<String> namespaces = new TreeSet<>();
        Arrays.stream(env.getOrDefault("KELPIE_WATCH_NAMESPACES", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).forEach(namespaces::add);
        int port;
        try {
            port = Integer.parseInt(env.getOrDefault("KELPIE_OPERATOR_HTTP_PORT", "" + DEFAULT_HTTP_PORT).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("KELPIE_OPERATOR_HTTP_PORT is not a number: "
                    + env.get("KELPIE_OPERATOR_HTTP_PORT"), e);
        }
        boolean leaderElection = Boolean.parseBoolean(env.getOrDefault("KELPIE_LEADER_ELECTION", "true").trim());
        String identity = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "kelpie-operator"));
        String repository = env.getOrDefault("KELPIE_BROKER_IMAGE_REPOSITORY", OperatorDefaults.DEFAULT_IMAGE_REPOSITORY);
        return new OperatorSettings(namespaces, port, leaderElection,
                env.getOrDefault("KELPIE_LEASE_NAME", "kelpie-operator"), env.get("POD_NAMESPACE"), identity,
                new OperatorDefaults(repository, OperatorDefaults.buildVersion()));
    }

    public boolean watchesAllNamespaces() {
        return watchNamespaces.isEmpty();
    }
}
