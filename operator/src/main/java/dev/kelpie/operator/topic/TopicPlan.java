package dev.kelpie.operator.topic;

import dev.kelpie.operator.model.SpecProblem;
import java.util.List;

/**
 * What to do for a Topic, and what cannot be done. Problems with {@code NotSupported} become
 * {@code Ready=False} without a retry loop: retrying cannot make them possible.
 *
 * @param topicName the Kafka topic the resource manages
 * @param actions Admin calls, in order
 * @param problems what was refused or is wrong; a blocking one means no action at all
 */
public record TopicPlan(String topicName, List<TopicAction> actions, List<SpecProblem> problems) {

    public TopicPlan {
        actions = List.copyOf(actions);
        problems = List.copyOf(problems);
    }

    public boolean inSync() {
        return actions.isEmpty() && problems.isEmpty();
    }
}
