package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What users may add to the broker pods. Labels the operator selects on cannot be overridden. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplate {

    @JsonPropertyDescription("Extra pod labels.")
    private Map<String, String> labels;

    @JsonPropertyDescription("Extra pod annotations.")
    private Map<String, String> annotations;

    @JsonPropertyDescription("Pod affinity rules.")
    private Affinity affinity;

    @JsonPropertyDescription("Pod tolerations.")
    private List<Toleration> tolerations;

    @JsonPropertyDescription("PriorityClass of the broker pods.")
    private String priorityClassName;

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public Affinity getAffinity() {
        return affinity;
    }

    public void setAffinity(Affinity affinity) {
        this.affinity = affinity;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public String getPriorityClassName() {
        return priorityClassName;
    }

    public void setPriorityClassName(String priorityClassName) {
        this.priorityClassName = priorityClassName;
    }
}
