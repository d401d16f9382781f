package dev.kelpie.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.operator.api.Cluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final OperatorMetrics metrics = new OperatorMetrics(registry);

    @Test
    void resourceAndRestartSeriesExistAtZeroBeforeAnyResource() {
        String scrape = registry.scrape();
        assertThat(scrape).contains("kelpie_operator_resources{kind=\"Cluster\"} 0.0",
                "kelpie_operator_resources{kind=\"Topic\"} 0.0",
                "kelpie_operator_pod_restarts_total{kind=\"Cluster\"} 0.0");
    }

    @Test
    void managedResourcesCountReconciledUntilCleanedUp() {
        Cluster first = cluster("kc1");
        Cluster second = cluster("kc2");
        metrics.reconcileCustomResource(first, null, Map.of());
        metrics.reconcileCustomResource(first, null, Map.of());
        metrics.reconcileCustomResource(second, null, Map.of());
        assertThat(gauge("Cluster")).isEqualTo(2);

        metrics.cleanupDoneFor(ResourceID.fromResource(first),
                Map.of(Constants.RESOURCE_GVK_KEY, GroupVersionKind.gvkFor(Cluster.class)));
        assertThat(gauge("Cluster")).isEqualTo(1);
        assertThat(gauge("Topic")).isZero();

        metrics.cleanupDoneFor(ResourceID.fromResource(second), Map.of());
        assertThat(gauge("Cluster")).isZero();
    }

    @Test
    void podRestartsAreCountedPerKind() {
        metrics.podRestarted("Cluster");
        metrics.podRestarted("Cluster");
        assertThat(registry.get(OperatorMetrics.POD_RESTARTS).tag("kind", "Cluster").counter().count())
                .isEqualTo(2);
    }

    private double gauge(String kind) {
        return registry.get(OperatorMetrics.RESOURCES).tag("kind", kind).gauge().value();
    }

    private static Cluster cluster(String name) {
        Cluster c = new Cluster();
        c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("test").build());
        return c;
    }
}
