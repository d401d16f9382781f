package dev.kelpie.broker.metrics;

import dev.kelpie.broker.protocol.ErrorResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Per API key: a latency histogram ({@code kelpie_request_duration_seconds}, for p50/p99 through
 * {@code histogram_quantile} in Grafana), the requests answered with an error, and the error codes by name.
 * The label {@code api} is Kafka's API name ({@code Produce}, {@code Fetch}, ...).
 *
 * <p>Buckets: the fixed, roughly 1-2.5-5 list {@link #LATENCY_BUCKETS} (0.5 ms to 30 s, 16 with +Inf).
 * Micrometer's {@code publishPercentileHistogram()} would publish 88 buckets per API over the same range,
 * about 1,400 series for the served APIs, for little gain in p99 accuracy.
 *
 * <p>Thread-safety: safe from any thread; {@link #record} runs where a request's stage completes.
 */
public final class RequestMetrics {
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1),
        Duration.ofMillis(5).dividedBy(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Map<ApiKeys, Meters> byApi = new ConcurrentHashMap<>();

    private record Meters(Timer duration, Counter failed) {
    }

    RequestMetrics(MeterRegistry registry, Set<ApiKeys> served) {
        this.registry = registry;
        served.forEach(this::meters);
    }

    /**
     * One request of {@code api} completed after {@code durationNs}: with {@code response} (null for an acks=0
     * produce) or {@code failure} (which the network layer turns into an error response).
     */
    public void record(ApiKeys api, long durationNs, AbstractResponse response, Throwable failure) {
        Meters m = meters(api);
        m.duration().record(durationNs, TimeUnit.NANOSECONDS);
        if (failure != null) {
            m.failed().increment();
            errors(api, Errors.forException(ErrorResponses.cause(failure))).increment();
            return;
        }
        if (response == null) {
            return;
        }
        boolean failed = false;
        for (Map.Entry<Errors, Integer> e : response.errorCounts().entrySet()) {
            if (e.getKey() != Errors.NONE && e.getValue() > 0) {
                failed = true;
                errors(api, e.getKey()).increment(e.getValue());
            }
        }
        if (failed) {
            m.failed().increment();
        }
    }

    private Meters meters(ApiKeys api) {
        Meters m = byApi.get(api);
        return m != null ? m : byApi.computeIfAbsent(api, this::register);
    }

    private Meters register(ApiKeys api) {
        Timer duration = Timer.builder(MetricNames.REQUEST_DURATION).tag("api", api.name)
                .description("Time from a request's last byte read to its response being ready")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        Counter failed = Counter.builder(MetricNames.REQUESTS_FAILED).tag("api", api.name)
                .description("Requests answered with at least one error code").register(registry);
        return new Meters(duration, failed);
    }

    private Counter errors(ApiKeys api, Errors error) {
        return Counter.builder(MetricNames.REQUEST_ERRORS).tags("api", api.name, "error", error.name())
                .description("Error codes in responses (per partition where the API answers per partition)")
                .register(registry);
    }
}
