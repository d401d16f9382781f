package dev.kelpie.operator.topic;

import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicStatus;
import dev.kelpie.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Topic's status, as a pure function of what the reconcile found. What the broker was not asked this
 * time (topic id, partitions, replicas) keeps its previous value.
 */
public final class TopicStatuses {

    public static final String REASON_RECONCILE_FAILED = "ReconcileFailed";

    private TopicStatuses() {
    }

    public static TopicStatus of(Topic topic, TopicOutcome outcome, Instant now) {
        TopicStatus previous = topic.getStatus() != null ? topic.getStatus() : new TopicStatus();
        Long generation = topic.getMetadata().getGeneration();
        Condition ready = Conditions.of(Conditions.READY, outcome.ready(), outcome.reason(), outcome.message(),
                generation);
        TopicStatus status = new TopicStatus();
        status.setObservedGeneration(generation);
        status.setConditions(Conditions.withTransitionTimes(previous.getConditions(), List.of(ready), now));
        status.setTopicName(previous.getTopicName());
        status.setTopicId(previous.getTopicId());
        status.setPartitions(previous.getPartitions());
        status.setReplicas(previous.getReplicas());
        outcome.observed().ifPresent(observed -> {
            status.setTopicName(observed.name());
            status.setTopicId(observed.topicId());
            status.setPartitions(observed.partitions());
            status.setReplicas(observed.replicas());
        });
        return status;
    }

    /** The previous status with Ready=False for a reconcile that threw. */
    public static TopicStatus failed(Topic topic, Exception error, Instant now) {
        TopicStatus previous = topic.getStatus() != null ? topic.getStatus() : new TopicStatus();
        List<Condition> conditions = new ArrayList<>();
        conditions.add(Conditions.of(Conditions.READY, false, REASON_RECONCILE_FAILED,
                String.valueOf(error.getMessage()), topic.getMetadata().getGeneration()));
        previous.setConditions(Conditions.withTransitionTimes(previous.getConditions(), conditions, now));
        return previous;
    }

    public static boolean same(TopicStatus a, TopicStatus b) {
        return a != null && b != null
                && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && Objects.equals(a.getConditions(), b.getConditions())
                && Objects.equals(a.getTopicName(), b.getTopicName())
                && Objects.equals(a.getTopicId(), b.getTopicId())
                && Objects.equals(a.getPartitions(), b.getPartitions())
                && Objects.equals(a.getReplicas(), b.getReplicas());
    }
}
