package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** What the topic should look like. Partitions can only grow; the name cannot change. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicSpec {

    /** What happens to the topic in the broker when this resource is deleted. */
    public enum DeletionPolicy {
        /** Delete the topic and its data. */
        @JsonProperty("Delete")
        DELETE,
        /** Keep the topic; only the resource goes. */
        @JsonProperty("Retain")
        RETAIN
    }

    @Required
    @JsonPropertyDescription("Name of the Cluster, in this namespace, that holds the topic.")
    private String cluster;

    @Pattern("^[a-zA-Z0-9._-]{1,249}$")
    @ValidationRule(value = "self == oldSelf", message = "topicName is immutable")
    @JsonPropertyDescription("Kafka topic name. Defaults to metadata.name; cannot be changed.")
    private String topicName;

    @Min(1)
    @JsonPropertyDescription("Number of partitions. It can grow, never shrink. Defaults to the broker's "
            + "num.partitions.")
    private Integer partitions;

    @Min(1)
    @Max(32767)
    @JsonPropertyDescription("Replication factor. Defaults to the broker's default.replication.factor.")
    private Integer replicas;

    @JsonPropertyDescription("Topic configs (Kafka names, e.g. retention.ms). Changes made outside this resource "
            + "are reverted.")
    private Map<String, JsonNode> config;

    @Default("Delete")
    @JsonPropertyDescription("Delete (default) removes the topic with this resource; Retain keeps it.")
    private DeletionPolicy deletionPolicy;

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public String getTopicName() {
        return topicName;
    }

    public void setTopicName(String topicName) {
        this.topicName = topicName;
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

    public Map<String, JsonNode> getConfig() {
        return config;
    }

    public void setConfig(Map<String, JsonNode> config) {
        this.config = config;
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }
}
