package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/** The broker JVM's heap and extra options, passed as {@code KELPIE_HEAP_OPTS} and {@code KELPIE_JVM_OPTS}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JvmOptions {

    public static final String HEAP_SIZE_PATTERN = "^[0-9]+[kKmMgG]?$";

    @Pattern(HEAP_SIZE_PATTERN)
    @JsonPropertyDescription("Initial heap, as for -Xms (e.g. `1g`).")
    private String xms;

    @Pattern(HEAP_SIZE_PATTERN)
    @JsonPropertyDescription("Maximum heap, as for -Xmx (e.g. `1g`).")
    private String xmx;

    @JsonPropertyDescription("Further JVM options, e.g. `-XX:+UseZGC`.")
    private List<String> javaOptions;

    public String getXms() {
        return xms;
    }

    public void setXms(String xms) {
        this.xms = xms;
    }

    public String getXmx() {
        return xmx;
    }

    public void setXmx(String xmx) {
        this.xmx = xmx;
    }

    public List<String> getJavaOptions() {
        return javaOptions;
    }

    public void setJavaOptions(List<String> javaOptions) {
        this.javaOptions = javaOptions;
    }
}
