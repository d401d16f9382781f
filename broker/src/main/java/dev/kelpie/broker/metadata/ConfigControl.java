package dev.kelpie.broker.metadata;

import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.metadata.Controller.ConfigOp;
import dev.kelpie.broker.metadata.MetadataRecord.ConfigRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.requests.ApiError;

/**
 * Topic config changes of the controller: IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT) and the
 * legacy AlterConfigs (the request replaces every override). The resulting overrides must form a valid
 * {@link LogConfig} on top of the broker defaults, else INVALID_CONFIG naming the key; only then are
 * {@link ConfigRecord}s for the differences committed.
 *
 * <p>APPEND and SUBTRACT work on list configs only ({@code cleanup.policy}); they start from the override,
 * or the broker default when there is none, as Kafka does.
 *
 * <p>Thread-safety: stateless.
 */
final class ConfigControl {
    /** Topic configs whose value is a comma-separated list. */
    static final Set<String> LIST_CONFIGS = Set.of(LogConfig.CLEANUP_POLICY);

    private ConfigControl() {
    }

    static ControllerResult<Map<String, ApiError>> incrementalAlter(MetadataImage image, LogConfig defaults,
            Map<String, List<ConfigOp>> opsByTopic, boolean validateOnly) {
        List<MetadataRecord> records = new ArrayList<>();
        Map<String, ApiError> results = new LinkedHashMap<>();
        opsByTopic.forEach((topic, ops) -> {
            try {
                Map<String, String> current = existingOverrides(image, topic);
                Map<String, String> updated = new TreeMap<>(current);
                for (ConfigOp op : ops) {
                    apply(defaults, updated, op);
                }
                records.addAll(diff(defaults, topic, current, updated));
                results.put(topic, ApiError.NONE);
            } catch (ApiException e) {
                results.put(topic, ApiError.fromThrowable(e));
            }
        });
        return new ControllerResult<>(validateOnly ? List.of() : records, results);
    }

    static ControllerResult<Map<String, ApiError>> replace(MetadataImage image, LogConfig defaults,
            Map<String, Map<String, String>> configsByTopic, boolean validateOnly) {
        List<MetadataRecord> records = new ArrayList<>();
        Map<String, ApiError> results = new LinkedHashMap<>();
        configsByTopic.forEach((topic, configs) -> {
            try {
                Map<String, String> current = existingOverrides(image, topic);
                for (Map.Entry<String, String> e : configs.entrySet()) {
                    requireKnown(e.getKey());
                    if (e.getValue() == null) {
                        throw new InvalidRequestException("Null value not supported for : " + e.getKey());
                    }
                }
                records.addAll(diff(defaults, topic, current, new TreeMap<>(configs)));
                results.put(topic, ApiError.NONE);
            } catch (ApiException e) {
                results.put(topic, ApiError.fromThrowable(e));
            }
        });
        return new ControllerResult<>(validateOnly ? List.of() : records, results);
    }

    private static Map<String, String> existingOverrides(MetadataImage image, String topic) {
        if (image.topic(topic).isEmpty()) {
            throw new UnknownTopicOrPartitionException("The topic '" + topic + "' does not exist.");
        }
        return image.topicConfigs(topic);
    }

    private static void apply(LogConfig defaults, Map<String, String> overrides, ConfigOp op) {
        requireKnown(op.name());
        switch (op.type()) {
            case SET -> {
                if (op.value() == null) {
                    throw new InvalidRequestException("Null value not supported for : " + op.name());
                }
                overrides.put(op.name(), op.value());
            }
            case DELETE -> overrides.remove(op.name());
            case APPEND, SUBTRACT -> {
                if (!LIST_CONFIGS.contains(op.name())) {
                    throw new InvalidConfigurationException("Config value append is not allowed for config key: "
                            + op.name());
                }
                String base = overrides.getOrDefault(op.name(), defaults.asStrings().get(op.name()));
                Set<String> items = split(base);
                Set<String> operand = split(op.value());
                if (op.type() == org.apache.kafka.clients.admin.AlterConfigOp.OpType.APPEND) {
                    items.addAll(operand);
                } else {
                    items.removeAll(operand);
                }
                overrides.put(op.name(), String.join(",", items));
            }
            default -> throw new InvalidRequestException("Unknown config operation " + op.type());
        }
    }

    private static Set<String> split(String list) {
        Set<String> items = new LinkedHashSet<>();
        if (list != null) {
            Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
        }
        return items;
    }

    private static void requireKnown(String name) {
        if (!LogConfig.names().contains(name)) {
            throw new InvalidConfigurationException("Unknown topic config name: " + name);
        }
    }

    private static List<MetadataRecord> diff(LogConfig defaults, String topic, Map<String, String> current,
            Map<String, String> updated) {
        defaults.withOverrides(updated);
        List<MetadataRecord> records = new ArrayList<>();
        for (String key : current.keySet()) {
            if (!updated.containsKey(key)) {
                records.add(new ConfigRecord(ConfigResource.Type.TOPIC, topic, key, null));
            }
        }
        updated.forEach((key, value) -> {
            if (!Objects.equals(current.get(key), value)) {
                records.add(new ConfigRecord(ConfigResource.Type.TOPIC, topic, key, value));
            }
        });
        return records;
    }
}
