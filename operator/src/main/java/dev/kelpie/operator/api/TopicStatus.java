package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator found in the broker. {@code Ready} is False with reason {@code NotSupported} for
 * changes the broker cannot make (fewer partitions, a new topicName), or with the Kafka error name.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The Kafka topic this resource manages.")
    private String topicName;

    @JsonPropertyDescription("The Kafka topic id.")
    private String topicId;

    @JsonPropertyDescription("Partitions the topic has.")
    private Integer partitions;

    @JsonPropertyDescription("Replication factor the topic has.")
    private Integer replicas;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getTopicName() {
        return topicName;
    }

    public void setTopicName(String topicName) {
        this.topicName = topicName;
    }

    public String getTopicId() {
        return topicId;
    }

    public void setTopicId(String topicId) {
        this.topicId = topicId;
    }

    public Integer getPartitions() {
        return partitions;
    }

    public void setPartitions(Integer partitions) {
        this.partitions = partitions;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }
}
