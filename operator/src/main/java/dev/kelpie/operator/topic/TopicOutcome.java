package dev.kelpie.operator.topic;

import dev.kelpie.operator.model.SpecProblem;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one reconcile of a Topic found, for its status and for when to look again.
 *
 * @param topicName the Kafka topic the resource manages
 * @param observed the topic as the broker last described it in this reconcile; empty when it was not
 *     described (no cluster, a refused spec, an unreachable broker)
 * @param ready whether the topic matches its resource
 * @param reason the {@code Ready} condition's reason
 * @param message the {@code Ready} condition's message
 * @param recheck when to reconcile again without an event
 */
public record TopicOutcome(String topicName, Optional<ObservedTopic> observed, boolean ready, String reason,
        String message, Recheck recheck) {

    public static final String REASON_IN_SYNC = "InSync";
    public static final String REASON_NOT_IN_SYNC = "NotInSync";
    public static final String REASON_CLUSTER_NOT_FOUND = "ClusterNotFound";

    /** When to reconcile again if nothing changes. */
    public enum Recheck {
        /** Only on an event: retrying cannot help until the spec or the Cluster changes. */
        NONE,
        /** Soon: the error may pass. */
        RETRY,
        /** At the drift-check interval. */
        DRIFT
    }

    /** The spec is refused before any Admin call; a spec change is the only way forward. */
    public static TopicOutcome refused(String topicName, List<SpecProblem> problems) {
        return new TopicOutcome(topicName, Optional.empty(), false, problems.get(0).reason(), messages(problems),
                Recheck.NONE);
    }

    /** No Cluster of that name in the namespace; its creation is an event. */
    public static TopicOutcome clusterNotFound(String topicName, String cluster, String namespace) {
        return new TopicOutcome(topicName, Optional.empty(), false, REASON_CLUSTER_NOT_FOUND, "Cluster " + cluster
                + " does not exist in namespace " + namespace, Recheck.NONE);
    }

    /**
     * The plan was carried out.
     *
     * @param problems what the plan refused (fewer partitions, another replication factor)
     * @param remaining the plan against the topic as described after the calls: empty when they took effect
     * @param observed the topic as described after the calls
     */
    public static TopicOutcome synced(String topicName, List<SpecProblem> problems, TopicPlan remaining,
            Optional<ObservedTopic> observed) {
        if (!problems.isEmpty()) {
            return new TopicOutcome(topicName, observed, false, problems.get(0).reason(), messages(problems),
                    Recheck.DRIFT);
        }
        if (!remaining.actions().isEmpty() || observed.isEmpty()) {
            return new TopicOutcome(topicName, observed, false, REASON_NOT_IN_SYNC, "the broker still differs "
                    + "from the resource after the Admin calls: " + remaining.actions(), Recheck.RETRY);
        }
        ObservedTopic topic = observed.get();
        return new TopicOutcome(topicName, observed, true, REASON_IN_SYNC, "topic " + topicName + ": "
                + topic.partitions() + " partitions, replication factor " + topic.replicas() + ", "
                + topic.configs().size() + " configs set", Recheck.DRIFT);
    }

    /** An Admin call failed; the reason is the Kafka error name. */
    public static TopicOutcome brokerError(String topicName, Optional<ObservedTopic> observed,
            TopicAdminException error) {
        return new TopicOutcome(topicName, observed, false, error.reason(), error.getMessage(),
                error.retriable() ? Recheck.RETRY : Recheck.DRIFT);
    }

    private static String messages(List<SpecProblem> problems) {
        return problems.stream().map(SpecProblem::message).collect(Collectors.joining("; "));
    }
}
