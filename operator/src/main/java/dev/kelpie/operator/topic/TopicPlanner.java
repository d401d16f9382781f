package dev.kelpie.operator.topic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import dev.kelpie.operator.model.ConfigValues;
import dev.kelpie.operator.model.SpecProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compares a Topic resource with the topic in the broker, as a pure function; the Topic reconciler carries
 * out the plan with an Admin client. The resource is the source of truth:
 *
 * <ul>
 *   <li>a missing topic is created with the resource's partitions, replicas and configs;
 *   <li>more partitions are added; fewer is {@code NotSupported} (Kafka cannot remove partitions);
 *   <li>a different replication factor is {@code NotSupported} until reassignment exists;
 *   <li>configs differing from the resource are set, and configs set on the topic that the resource does
 *       not name are deleted (back to the broker default): drift made behind the operator's back is reverted;
 *   <li>a {@code topicName} other than the one the resource already manages is {@code NotSupported}, and
 *       nothing else is done.
 * </ul>
 */
public final class TopicPlanner {

    public static final String NOT_SUPPORTED = "NotSupported";
    public static final String INVALID_SPEC = SpecProblem.INVALID_SPEC;
    private static final Pattern TOPIC_NAME = Pattern.compile("^[a-zA-Z0-9._-]{1,249}$");

    private TopicPlanner() {
    }

    /** The Kafka name a Topic asks for: {@code spec.topicName}, else {@code metadata.name}. */
    public static String desiredName(Topic topic) {
        String name = topic.getSpec() == null ? null : topic.getSpec().getTopicName();
        return name != null ? name : topic.getMetadata().getName();
    }

    /**
     * The Kafka name the resource manages: the one in its status once a reconcile recorded it (so a later
     * change of {@code spec.topicName} cannot redirect it to another topic), else {@link #desiredName}.
     */
    public static String managedName(Topic topic) {
        return topic.getStatus() != null && topic.getStatus().getTopicName() != null
                ? topic.getStatus().getTopicName() : desiredName(topic);
    }

    /**
     * What is wrong with the resource whatever the broker holds: an invalid spec, or a renamed topic. A
     * blocking problem means no Admin call at all.
     */
    public static List<SpecProblem> refusals(Topic topic) {
        String name = desiredName(topic);
        String managed = managedName(topic);
        List<SpecProblem> problems = validate(topic, name);
        if (!managed.equals(name)) {
            problems.add(SpecProblem.refuse(NOT_SUPPORTED, "topicName cannot change from " + managed + " to "
                    + name + "; create a new Topic instead"));
        }
        return problems;
    }

    /**
     * @param topic the resource, with the status of earlier reconciles
     * @param observed the topic in the broker under the managed name, if it exists
     */
    public static TopicPlan plan(Topic topic, Optional<ObservedTopic> observed) {
        String name = desiredName(topic);
        List<SpecProblem> problems = refusals(topic);
        if (problems.stream().anyMatch(SpecProblem::blocking)) {
            return new TopicPlan(managedName(topic), List.of(), problems);
        }
        TopicSpec spec = topic.getSpec();
        SortedMap<String, String> configs = ConfigValues.renderAll(spec.getConfig());
        if (observed.isEmpty()) {
            return new TopicPlan(name, List.of(new TopicAction.Create(name, optional(spec.getPartitions()),
                    optional(spec.getReplicas()), configs)), problems);
        }
        ObservedTopic actual = observed.get();
        List<TopicAction> actions = new ArrayList<>();
        if (spec.getPartitions() != null && spec.getPartitions() > actual.partitions()) {
            actions.add(new TopicAction.AddPartitions(name, spec.getPartitions()));
        } else if (spec.getPartitions() != null && spec.getPartitions() < actual.partitions()) {
            problems.add(SpecProblem.warn(NOT_SUPPORTED, "partitions cannot decrease from " + actual.partitions()
                    + " to " + spec.getPartitions() + "; Kafka cannot remove partitions"));
        }
        if (spec.getReplicas() != null && spec.getReplicas() != actual.replicas()) {
            problems.add(SpecProblem.warn(NOT_SUPPORTED, "replicas cannot change from " + actual.replicas() + " to "
                    + spec.getReplicas() + " yet: that needs partition reassignment"));
        }
        configChange(name, configs, actual.configs()).ifPresent(actions::add);
        return new TopicPlan(name, actions, problems);
    }

    private static Optional<TopicAction> configChange(String name, Map<String, String> desired,
            Map<String, String> actual) {
        Map<String, String> set = new TreeMap<>();
        desired.forEach((key, value) -> {
            if (!value.equals(actual.get(key))) {
                set.put(key, value);
            }
        });
        TreeSet<String> delete = new TreeSet<>(actual.keySet());
        delete.removeAll(desired.keySet());
        if (set.isEmpty() && delete.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TopicAction.AlterConfigs(name, set, delete));
    }

    private static List<SpecProblem> validate(Topic topic, String name) {
        List<SpecProblem> problems = new ArrayList<>();
        TopicSpec spec = topic.getSpec();
        if (spec == null || spec.getCluster() == null || spec.getCluster().isBlank()) {
            problems.add(SpecProblem.refuse(INVALID_SPEC, "spec.cluster is required"));
            return problems;
        }
        if (!TOPIC_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            problems.add(SpecProblem.refuse(INVALID_SPEC, "topic name '" + name
                    + "' must be 1-249 letters, digits, '.', '_' or '-', and not '.' or '..'"));
        }
        if (spec.getPartitions() != null && spec.getPartitions() < 1) {
            problems.add(SpecProblem.refuse(INVALID_SPEC, "spec.partitions must be at least 1"));
        }
        if (spec.getReplicas() != null && (spec.getReplicas() < 1 || spec.getReplicas() > Short.MAX_VALUE)) {
            problems.add(SpecProblem.refuse(INVALID_SPEC, "spec.replicas must be 1-32767"));
        }
        if (spec.getConfig() != null) {
            TreeSet<String> bad = new TreeSet<>();
            for (Map.Entry<String, JsonNode> entry : spec.getConfig().entrySet()) {
                if (ConfigValues.render(entry.getValue()).isEmpty()) {
                    bad.add(entry.getKey());
                }
            }
            if (!bad.isEmpty()) {
                problems.add(SpecProblem.refuse(SpecProblem.INVALID_CONFIG_VALUE,
                        "spec.config values of " + bad + " must be scalars or lists of scalars"));
            }
        }
        return problems;
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
