package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A client listener. Only {@code internal} plaintext listeners exist today; {@code type} (and later
 * {@code tls} and {@code authentication}) is where external and encrypted listeners will be added.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ListenerSpec {

    /** How clients reach a listener. */
    public enum Type {
        /** Inside the Kubernetes cluster, through the bootstrap Service and the pods' stable DNS names. */
        @JsonProperty("internal")
        INTERNAL
    }

    @Required
    @Pattern("^[a-z][a-z0-9]{0,10}$")
    @JsonPropertyDescription("Listener name: lowercase letters and digits, at most 11 characters. It names the "
            + "container and Service ports and, upper-cased, the Kafka listener.")
    private String name;

    @Required
    @Min(1024)
    @Max(65535)
    @JsonPropertyDescription("Port the brokers listen on and advertise.")
    private Integer port;

    @Required
    @JsonPropertyDescription("Where clients connect from. Only `internal` exists today.")
    private Type type;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
        this.type = type;
    }
}
