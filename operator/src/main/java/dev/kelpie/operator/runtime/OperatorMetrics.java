package dev.kelpie.operator.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JOSDK's hooks, counted in Micrometer with bounded labels: {@code kind} (Cluster, Topic) and, for
 * durations, {@code operation} (reconcile, cleanup) and {@code outcome} (success, failure). In Prometheus:
 * {@code kelpie_operator_reconciliations_total}, {@code kelpie_operator_reconciliation_failures_total},
 * {@code kelpie_operator_reconciliation_duration_seconds_bucket|_count|_sum|_max}; plus
 * {@code kelpie_operator_resources{kind}} (custom resources this replica manages: seen by a reconcile, not yet
 * cleaned up) and {@code kelpie_operator_pod_restarts_total{kind}} (pods the rolling restart deleted). Both
 * exist at 0 for every kind from the start, so the dashboards have a series on first install. Thread-safe, as
 * Micrometer meters and concurrent sets are.
 */
public final class OperatorMetrics implements Metrics {

    static final String RECONCILIATIONS = "kelpie.operator.reconciliations";
    static final String FAILURES = "kelpie.operator.reconciliation.failures";
    static final String DURATION = "kelpie.operator.reconciliation.duration";

    static final String RESOURCES = "kelpie.operator.resources";
    static final String POD_RESTARTS = "kelpie.operator.pod.restarts";
    /** The kinds this operator reconciles: their series exist before the first resource appears. */
    static final Set<String> KINDS = Set.of("Cluster", "Topic");

    private final MeterRegistry registry;
    private final Map<String, Set<ResourceID>> managed = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String kind : KINDS) {
            Gauge.builder(RESOURCES, managedOf(kind), Set::size)
                    .description("Custom resources this replica manages")
                    .tag("kind", kind)
                    .register(registry);
            podRestartCounter(kind);
        }
    }

    /** Counts one pod deleted by the rolling restart of a resource of {@code kind}. */
    public void podRestarted(String kind) {
        podRestartCounter(kind).increment();
    }

    private Counter podRestartCounter(String kind) {
        return Counter.builder(POD_RESTARTS)
                .description("Pods deleted by the operator's rolling restart")
                .tag("kind", kind)
                .register(registry);
    }

    private Set<ResourceID> managedOf(String kind) {
        return managed.computeIfAbsent(kind, k -> ConcurrentHashMap.newKeySet());
    }

    @Override
    public void cleanupDoneFor(ResourceID resourceId, Map<String, Object> metadata) {
        String kind = kind(null, metadata);
        if (managed.containsKey(kind)) {
            managedOf(kind).remove(resourceId);
        } else {
            // JOSDK passes the kind in the metadata; without it, forget the id wherever it is
            managed.values().forEach(ids -> ids.remove(resourceId));
        }
    }

    @Override
    public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
        managedOf(kind(resource, metadata)).add(ResourceID.fromResource(resource));
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
