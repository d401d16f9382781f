package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** What the user asks for. Defaults are applied by the operator's model, not stored back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterSpec {

    @Required
    @Min(1)
    @SpecReplicas
    @JsonPropertyDescription("Number of broker pods. Node ids are the pod ordinals; the first three pods are the "
            + "metadata quorum's voters.")
    private Integer replicas;

    @JsonPropertyDescription("Broker container image. Defaults to the official image of `version`.")
    private String image;

    @JsonPropertyDescription("Kelpie version to run. Defaults to the operator's own version.")
    private String version;

    @Required
    @JsonPropertyDescription("Persistent storage of each broker pod.")
    private StorageSpec storage;

    @JsonPropertyDescription("CPU and memory requests and limits of the broker container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("JVM heap and options of the broker.")
    private JvmOptions jvmOptions;

    @JsonPropertyDescription("Broker properties (Kafka names). Keys the operator computes (node.id, listeners, "
            + "advertised.listeners, log.dirs, controller.quorum.voters, process.roles, ...) are refused.")
    private Map<String, JsonNode> config;

    @JsonPropertyDescription("Client listeners. Defaults to one internal plaintext listener `plain` on 9092.")
    private List<ListenerSpec> listeners;

    @JsonPropertyDescription("The broker's HTTP endpoint for Prometheus metrics and health probes.")
    private MetricsSpec metrics;

    @JsonPropertyDescription("Customisation of the generated pods.")
    private TemplateSpec template;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public JvmOptions getJvmOptions() {
        return jvmOptions;
    }

    public void setJvmOptions(JvmOptions jvmOptions) {
        this.jvmOptions = jvmOptions;
    }

    public Map<String, JsonNode> getConfig() {
        return config;
    }

    public void setConfig(Map<String, JsonNode> config) {
        this.config = config;
    }

    public List<ListenerSpec> getListeners() {
        return listeners;
    }

    public void setListeners(List<ListenerSpec> listeners) {
        this.listeners = listeners;
    }

    public MetricsSpec getMetrics() {
        return metrics;
    }

    public void setMetrics(MetricsSpec metrics) {
        this.metrics = metrics;
    }

    public TemplateSpec getTemplate() {
        return template;
    }

    public void setTemplate(TemplateSpec template) {
        this.template = template;
    }
}
