package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * The broker's HTTP endpoint. It always runs, because the health probes use it; {@code enabled} decides
 * whether Prometheus is told to scrape {@code /metrics}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricsSpec {

    @JsonPropertyDescription("Annotate the pods for Prometheus scraping. Default true.")
    private Boolean enabled;

    @Min(1024)
    @Max(65535)
    @JsonPropertyDescription("Port of /metrics, /healthz and /readyz. Default 9404.")
    private Integer port;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }
}
