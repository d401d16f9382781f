package dev.kelpie.operator.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code server.properties} every broker pod of a Cluster shares. Per-pod values ({@code node.id},
 * {@code process.roles}, {@code advertised.listeners}) cannot live in a shared file; the container's start
 * command exports them as {@code KELPIE_*} variables, which the broker reads over the file.
 *
 * <p>Three sections, each sorted by key: keys the operator owns; defaults that depend on the number of
 * brokers, which {@code spec.config} may override; and {@code spec.config} itself.
 */
public final class BrokerProperties {

    public static final String METRICS_PORT_KEY = "kelpie.metrics.port";
    public static final String LOG_DIRS = "/var/lib/kelpie/data";

    private BrokerProperties() {
    }

    static String render(ClusterNames names, int replicas, int voters, List<ResolvedSpec.Listener> listeners,
            int metricsPort, Map<String, JsonNode> config) {
        SortedMap<String, String> defaults = replicationDefaults(replicas);
        SortedMap<String, String> user = ConfigValues.renderAll(config);
        defaults.keySet().removeAll(user.keySet());
        StringBuilder out = new StringBuilder();
        out.append("# Written by the Kelpie operator for Cluster ").append(names.namespace()).append('/')
                .append(names.cluster()).append(". Edits are overwritten: change the Cluster's spec.config.\n");
        out.append("# node.id, process.roles and advertised.listeners are set per pod through KELPIE_* variables.\n");
        section(out, "Owned by the operator", owned(names, voters, listeners, metricsPort));
        section(out, "Defaults for this number of brokers; spec.config overrides them", defaults);
        section(out, "From spec.config", user);
        return out.toString();
    }

    /** The replication defaults for {@code replicas} brokers, overridden by {@code config}. */
    static SortedMap<String, String> withDefaults(int replicas, Map<String, JsonNode> config) {
        SortedMap<String, String> merged = replicationDefaults(replicas);
        merged.putAll(ConfigValues.renderAll(config));
        return merged;
    }

    /**
     * Three copies where there are three brokers, and acks=all writes that survive one broker down: Kafka's
     * own defaults (one copy of user topics) lose data on the first disk failure.
     */
    private static SortedMap<String, String> replicationDefaults(int replicas) {
        int factor = Math.min(3, replicas);
        int minInsync = Math.max(1, Math.min(2, factor - 1));
        SortedMap<String, String> defaults = new TreeMap<>();
        defaults.put("default.replication.factor", Integer.toString(factor));
        defaults.put("min.insync.replicas", Integer.toString(minInsync));
        defaults.put("offsets.topic.replication.factor", Integer.toString(factor));
        defaults.put("transaction.state.log.replication.factor", Integer.toString(factor));
        defaults.put("transaction.state.log.min.isr", Integer.toString(minInsync));
        return defaults;
    }

    private static SortedMap<String, String> owned(ClusterNames names, int voters,
            List<ResolvedSpec.Listener> listeners, int metricsPort) {
        SortedMap<String, String> owned = new TreeMap<>();
        owned.put("controller.listener.names", BrokerPorts.CONTROLLER_LISTENER);
        owned.put("controller.quorum.voters", names.quorumVoters(voters, BrokerPorts.CONTROLLER_PORT));
        owned.put("inter.broker.listener.name", listeners.get(0).kafkaName());
        owned.put("listener.security.protocol.map", listeners.stream()
                .map(l -> l.kafkaName() + ":PLAINTEXT")
                .collect(Collectors.joining(",")) + "," + BrokerPorts.CONTROLLER_LISTENER + ":PLAINTEXT");
        owned.put("listeners", listeners.stream()
                .map(l -> l.kafkaName() + "://:" + l.port())
                .collect(Collectors.joining(",")) + "," + BrokerPorts.CONTROLLER_LISTENER + "://:"
                + BrokerPorts.CONTROLLER_PORT);
        owned.put("log.dirs", LOG_DIRS);
        owned.put(METRICS_PORT_KEY, Integer.toString(metricsPort));
        return owned;
    }

    private static void section(StringBuilder out, String title, SortedMap<String, String> entries) {
        if (entries.isEmpty()) {
            return;
        }
        out.append("\n# ").append(title).append('\n');
        entries.forEach((key, value) -> out.append(escape(key, true)).append('=').append(escape(value, false))
                .append('\n'));
    }

    /** Escapes as {@link java.util.Properties#load} expects: backslashes, line breaks, and in keys = : and spaces. */
    static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append(key ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
