package dev.kelpie.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.ClusterSpec;
import dev.kelpie.operator.api.JvmOptions;
import dev.kelpie.operator.api.ListenerSpec;
import dev.kelpie.operator.api.MetricsSpec;
import dev.kelpie.operator.api.StorageSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a Cluster's spec before anything is applied. The API server enforces the CRD schema too, but not
 * every client goes through it (and the CRD may be older than the operator), so every schema rule that
 * the model relies on is checked again here.
 */
public final class ClusterValidation {

    /**
     * Keys the operator computes, per pod or from other spec fields. Setting them in {@code spec.config}
     * would break node identity, quorum membership or the probes.
     */
    public static final Set<String> FORBIDDEN_CONFIG_KEYS = Set.of(
            "node.id", "broker.id", "process.roles", "listeners", "advertised.listeners",
            "listener.security.protocol.map", "inter.broker.listener.name", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers", "log.dirs", "log.dir",
            "metadata.log.dir", BrokerProperties.METRICS_PORT_KEY);

    /** Topic replication settings that cannot exceed the number of brokers. */
    static final List<String> REPLICATION_FACTOR_KEYS = List.of(
            "default.replication.factor", "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor");

    private static final Pattern LISTENER_NAME = Pattern.compile("^[a-z][a-z0-9]{0,10}$");
    private static final Pattern QUANTITY = Pattern.compile(StorageSpec.QUANTITY_PATTERN);
    private static final Pattern HEAP_SIZE = Pattern.compile(JvmOptions.HEAP_SIZE_PATTERN);

    private ClusterValidation() {
    }

    /** Every problem found, blocking ones first; empty when the spec is fine. */
    public static List<SpecProblem> problems(Cluster cluster) {
        List<SpecProblem> problems = new ArrayList<>();
        String name = cluster.getMetadata().getName();
        if (name.length() > ClusterNames.CLUSTER_NAME_LENGTH_MAX) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_NAME, "metadata.name is " + name.length()
                    + " characters; at most " + ClusterNames.CLUSTER_NAME_LENGTH_MAX + " fit pod labels"));
        }
        ClusterSpec spec = cluster.getSpec();
        if (spec == null) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_SPEC, "spec is required"));
            return problems;
        }
        checkReplicas(spec, problems);
        checkStorage(spec.getStorage(), problems);
        checkListeners(spec, problems);
        checkMetrics(spec.getMetrics(), problems);
        checkJvmOptions(spec.getJvmOptions(), problems);
        checkConfig(spec.getConfig(), problems);
        if (spec.getReplicas() != null && spec.getReplicas() >= 1) {
            checkReplication(spec, problems);
        }
        problems.sort((a, b) -> Boolean.compare(b.blocking(), a.blocking()));
        return problems;
    }

    public static boolean anyBlocking(List<SpecProblem> problems) {
        return problems.stream().anyMatch(SpecProblem::blocking);
    }

    private static void checkReplicas(ClusterSpec spec, List<SpecProblem> problems) {
        if (spec.getReplicas() == null || spec.getReplicas() < 1) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_REPLICAS,
                    "spec.replicas must be at least 1, got " + spec.getReplicas()));
        }
    }

    private static void checkStorage(StorageSpec storage, List<SpecProblem> problems) {
        if (storage == null || storage.getSize() == null) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_STORAGE, "spec.storage.size is required"));
            return;
        }
        if (!QUANTITY.matcher(storage.getSize()).matches()
                || Quantity.getAmountInBytes(new Quantity(storage.getSize())).signum() <= 0) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_STORAGE,
                    "spec.storage.size '" + storage.getSize() + "' is not a positive quantity such as 100Gi"));
        }
    }

    private static void checkListeners(ClusterSpec spec, List<SpecProblem> problems) {
        List<ListenerSpec> listeners = spec.getListeners();
        if (listeners == null || listeners.isEmpty()) {
            return;
        }
        if (listeners.size() > 1) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_LISTENER,
                    "only one listener is supported yet, got " + listeners.size()));
        }
        int metricsPort = ResolvedSpec.metricsPort(spec.getMetrics());
        for (ListenerSpec listener : listeners) {
            String name = listener.getName();
            if (name == null || !LISTENER_NAME.matcher(name).matches()) {
                problems.add(SpecProblem.refuse(SpecProblem.INVALID_LISTENER, "listener name '" + name
                        + "' must be lowercase letters and digits, starting with a letter, at most 11"));
            }
            if (listener.getType() == null) {
                problems.add(SpecProblem.refuse(SpecProblem.INVALID_LISTENER,
                        "listener '" + name + "' needs a type (internal)"));
            }
            Integer port = listener.getPort();
            if (port == null || port < 1024 || port > 65535) {
                problems.add(SpecProblem.refuse(SpecProblem.INVALID_LISTENER,
                        "listener '" + name + "' port must be 1024-65535, got " + port));
            } else if (port == BrokerPorts.CONTROLLER_PORT || port == metricsPort) {
                problems.add(SpecProblem.refuse(SpecProblem.INVALID_LISTENER, "listener '" + name + "' port "
                        + port + " is taken by the controller listener or the metrics endpoint"));
            }
        }
    }

    private static void checkMetrics(MetricsSpec metrics, List<SpecProblem> problems) {
        int port = ResolvedSpec.metricsPort(metrics);
        if (port < 1024 || port > 65535 || port == BrokerPorts.CONTROLLER_PORT) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_METRICS,
                    "spec.metrics.port must be 1024-65535 and not " + BrokerPorts.CONTROLLER_PORT + ", got " + port));
        }
    }

    private static void checkJvmOptions(JvmOptions jvm, List<SpecProblem> problems) {
        if (jvm == null) {
            return;
        }
        for (String size : new String[] {jvm.getXms(), jvm.getXmx()}) {
            if (size != null && !HEAP_SIZE.matcher(size).matches()) {
                problems.add(SpecProblem.refuse(SpecProblem.INVALID_JVM_OPTIONS,
                        "heap size '" + size + "' must look like 512m or 2g"));
            }
        }
    }

    private static void checkConfig(Map<String, JsonNode> config, List<SpecProblem> problems) {
        if (config == null) {
            return;
        }
        Set<String> forbidden = new TreeSet<>();
        Set<String> unrenderable = new TreeSet<>();
        config.forEach((key, value) -> {
            if (FORBIDDEN_CONFIG_KEYS.contains(key)) {
                forbidden.add(key);
            }
            if (ConfigValues.render(value).isEmpty()) {
                unrenderable.add(key);
            }
        });
        if (!forbidden.isEmpty()) {
            problems.add(SpecProblem.refuse(SpecProblem.FORBIDDEN_CONFIG_KEY, "spec.config sets " + forbidden
                    + ", which the operator computes; remove " + (forbidden.size() == 1 ? "it" : "them")));
        }
        if (!unrenderable.isEmpty()) {
            problems.add(SpecProblem.refuse(SpecProblem.INVALID_CONFIG_VALUE,
                    "spec.config values of " + unrenderable + " must be scalars or lists of scalars"));
        }
    }

    private static void checkReplication(ClusterSpec spec, List<SpecProblem> problems) {
        int replicas = spec.getReplicas();
        SortedMap<String, String> config = BrokerProperties.withDefaults(replicas, spec.getConfig());
        for (String key : REPLICATION_FACTOR_KEYS) {
            Integer factor = parseInt(config.get(key));
            if (factor != null && factor > replicas) {
                problems.add(SpecProblem.warn(SpecProblem.UNSAFE_REPLICATION_FACTOR, key + "=" + factor
                        + " exceeds the " + replicas + " broker(s): creating such topics will fail"));
            }
        }
        Integer minInsync = parseInt(config.get("min.insync.replicas"));
        Integer factor = parseInt(config.get("default.replication.factor"));
        if (minInsync != null && factor != null && minInsync > Math.min(factor, replicas)) {
            problems.add(SpecProblem.warn(SpecProblem.UNSAFE_MIN_INSYNC_REPLICAS, "min.insync.replicas="
                    + minInsync + " exceeds default.replication.factor=" + factor + " or the " + replicas
                    + " broker(s): producers with acks=all cannot write to topics created with the defaults"));
        }
    }

    private static Integer parseInt(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
