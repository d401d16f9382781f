package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Customisation of generated resources; one field per resource kind, so more kinds can be added. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TemplateSpec {

    @JsonPropertyDescription("The broker pods.")
    private PodTemplate pod;

    public PodTemplate getPod() {
        return pod;
    }

    public void setPod(PodTemplate pod) {
        this.pod = pod;
    }
}
