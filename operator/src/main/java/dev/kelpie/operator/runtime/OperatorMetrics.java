package dev.kelpie.operator.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;

/**
 * JOSDK's hooks, counted in Micrometer with bounded labels: {@code kind} (Cluster, Topic) and, for
 * durations, {@code operation} (reconcile, cleanup) and {@code outcome} (success, failure). In Prometheus:
 * {@code kelpie_operator_reconciliations_total}, {@code kelpie_operator_reconciliation_failures_total},
 * {@code kelpie_operator_reconciliation_duration_seconds_bucket|_count|_sum|_max}. Thread-safe, as Micrometer
 * meters are.
 */
public final class OperatorMetrics implements Metrics {

    static final String RECONCILIATIONS = "kelpie.operator.reconciliations";
    static final String FAILURES = "kelpie.operator.reconciliation.failures";
    static final String DURATION = "kelpie.operator.reconciliation.duration";

    private final MeterRegistry registry;

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        Counter.builder(RECONCILIATIONS)
                .description("Reconciliations started, retries included")
                .tag("kind", kind(resource, metadata))
                .register(registry)
                .increment();
    }

    @Override
    public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
        Counter.builder(FAILURES)
                .description("Reconciliations that threw; JOSDK retries them with back-off")
                .tag("kind", kind(resource, metadata))
                .register(registry)
                .increment();
    }

    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        String kind = kind(null, execution.metadata());
        long startNanos = System.nanoTime();
        String outcome = "failure";
        try {
            T result = execution.execute();
            outcome = "success";
            return result;
        } finally {
            Timer.builder(DURATION)
                    .description("Time spent in one reconcile or cleanup")
                    .tags("kind", kind, "operation", execution.name(), "outcome", outcome)
                    .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
                            Duration.ofSeconds(5), Duration.ofSeconds(30))
                    .register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - startNanos));
        }
    }

    private static String kind(HasMetadata resource, Map<String, Object> metadata) {
        Object gvk = metadata == null ? null : metadata.get(Constants.RESOURCE_GVK_KEY);
        if (gvk instanceof GroupVersionKind groupVersionKind) {
            return groupVersionKind.getKind();
        }
        return resource != null ? resource.getKind() : "unknown";
    }
}
