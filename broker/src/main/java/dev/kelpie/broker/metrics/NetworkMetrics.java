package dev.kelpie.broker.metrics;

import dev.kelpie.broker.network.NetworkStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The Kafka listener's meters, read from one {@link NetworkStats} snapshot per scrape ({@code stats()} walks
 * every connection, so it is not called once per meter).
 *
 * <p>Thread-safety: the snapshot is swapped atomically by the scrape and read by the registry.
 */
final class NetworkMetrics {
    private NetworkMetrics() {
    }

    /** Registers the meters; returns the refresher that takes the snapshot. */
    static Runnable bind(MeterRegistry registry, Supplier<NetworkStats> stats, String listener) {
        AtomicReference<NetworkStats> last = new AtomicReference<>(stats.get());
        Tags tags = Tags.of("listener", listener);
        gauge(registry, last, tags, MetricNames.CONNECTIONS, "Open client connections", s -> s.connections(), null);
        gauge(registry, last, tags, MetricNames.CONNECTIONS_READ_PAUSED,
                "Connections whose reading is paused by back-pressure", s -> s.connectionsReadPaused(), null);
        gauge(registry, last, tags, MetricNames.REQUESTS_WAITING,
                "Requests read but held back because their connection's in-flight queue is full",
                s -> s.requestsWaiting(), null);
        gauge(registry, last, tags, MetricNames.REQUESTS_IN_FLIGHT,
                "Requests being handled, or answered and queued behind an earlier response of their connection",
                s -> s.requestsInFlight(), null);
        gauge(registry, last, tags, MetricNames.RESPONSE_QUEUE, "Response bytes queued for the sockets",
                s -> s.outboundBytesPending(), "bytes");
        counter(registry, last, tags, MetricNames.CONNECTIONS_OPENED, "Connections accepted",
                s -> s.connectionsAccepted());
        counter(registry, last, tags, MetricNames.CONNECTIONS_CLOSED, "Accepted connections closed",
                s -> s.connectionsClosed());
        counter(registry, last, tags, MetricNames.CONNECTIONS_REFUSED,
                "Connections refused by max.connections or max.connections.per.ip", s -> s.connectionsRefused());
        return () -> last.set(stats.get());
    }

    private static void gauge(MeterRegistry registry, AtomicReference<NetworkStats> last, Tags tags, String name,
            String description, ToDoubleFunction<NetworkStats> value, String unit) {
        Gauge.builder(name, last, ref -> value.applyAsDouble(ref.get())).strongReference(true).tags(tags)
                .description(description)
                .baseUnit(unit).register(registry);
    }

    private static void counter(MeterRegistry registry, AtomicReference<NetworkStats> last, Tags tags, String name,
            String description, ToDoubleFunction<NetworkStats> value) {
        // FunctionCounter keeps a weak reference: the refresher holds 'last' for the broker's lifetime
        FunctionCounter.builder(name, last, ref -> value.applyAsDouble(ref.get())).tags(tags)
                .description(description).register(registry);
    }
}
