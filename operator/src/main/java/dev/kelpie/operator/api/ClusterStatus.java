package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed and did. Conditions: {@code Ready} (True, or False with a reason such as
 * {@code InvalidSpec}, {@code PodsNotReady}, {@code RollingRestart}) and one {@code Warning} per problem
 * found in the spec, its reason naming the problem ({@code ForbiddenConfigKey}, {@code UnsafeReplicationFactor}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    private List<Condition> conditions = new ArrayList<>();

    @StatusReplicas
    @JsonPropertyDescription("Broker pods the StatefulSet has.")
    private Integer replicas;

    @JsonPropertyDescription("Broker pods that are ready.")
    private Integer readyReplicas;

    @JsonPropertyDescription("host:port list for clients inside the Kubernetes cluster.")
    private String bootstrapServers;

    @JsonPropertyDescription("The Kafka cluster id the brokers are formatted with.")
    private String clusterId;

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

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getClusterId() {
        return clusterId;
    }

    public void setClusterId(String clusterId) {
        this.clusterId = clusterId;
    }
}
