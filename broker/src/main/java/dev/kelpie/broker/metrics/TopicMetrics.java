package dev.kelpie.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-topic traffic counters: {@code kelpie_topic_in_bytes_total}, {@code kelpie_topic_in_messages_total}
 * and {@code kelpie_topic_out_bytes_total}. Handlers count only topics that exist (resolved in the metadata
 * image), so clients cannot mint label values; a deleted topic's counters are removed at the next scrape.
 *
 * <p>Thread-safety: safe from any thread (partition threads count appends and reads; the scrape removes).
 */
public final class TopicMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counters> byTopic = new ConcurrentHashMap<>();

    private record Counters(Counter inBytes, Counter inMessages, Counter outBytes) {
    }

    TopicMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Producers appended {@code messages} records in {@code bytes} of batches to {@code topic}. */
    public void produced(String topic, long bytes, long messages) {
        Counters c = counters(topic);
        c.inBytes().increment(bytes);
        c.inMessages().increment(messages);
    }

    /** A Fetch response carries {@code bytes} of {@code topic}'s records. */
    public void fetched(String topic, long bytes) {
        counters(topic).outBytes().increment(bytes);
    }

    /** Drops the counters of topics not in {@code live}. */
    void retain(Set<String> live) {
        byTopic.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().inBytes());
            registry.remove(e.getValue().inMessages());
            registry.remove(e.getValue().outBytes());
            return true;
        });
    }

    private Counters counters(String topic) {
        Counters c = byTopic.get(topic);
        return c != null ? c : byTopic.computeIfAbsent(topic, this::register);
    }

    private Counters register(String topic) {
        return new Counters(
                Counter.builder(MetricNames.TOPIC_IN).baseUnit("bytes").tag("topic", topic)
                        .description("Record batch bytes appended by producers").register(registry),
                Counter.builder(MetricNames.TOPIC_IN_MESSAGES).tag("topic", topic)
                        .description("Records appended by producers").register(registry),
                Counter.builder(MetricNames.TOPIC_OUT).baseUnit("bytes").tag("topic", topic)
                        .description("Record bytes sent to consumers in Fetch responses").register(registry));
    }
}
