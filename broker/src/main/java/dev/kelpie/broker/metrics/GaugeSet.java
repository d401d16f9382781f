package dev.kelpie.broker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One gauge name over a changing set of label rows (per topic, per partition, per group). {@link #update}
 * sets every row's value and removes the rows that are gone, so a deleted topic's series disappear. Values
 * are the snapshot of the last update (taken just before a scrape).
 *
 * <p>Thread-safety: {@link #update} is called by one thread at a time (the scrape, under
 * {@link BrokerMetrics}' lock); the registry reads the values from any thread.
 */
final class GaugeSet {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final String baseUnit;
    private final Map<Tags, Row> rows = new HashMap<>();

    private record Row(Gauge gauge, AtomicLong value) {
    }

    GaugeSet(MeterRegistry registry, String name, String description, String baseUnit) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.baseUnit = baseUnit;
    }

    /** Makes the rows exactly {@code values}. */
    void update(Map<Tags, Long> values) {
        for (Iterator<Map.Entry<Tags, Row>> it = rows.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Tags, Row> e = it.next();
            if (!values.containsKey(e.getKey())) {
                registry.remove(e.getValue().gauge());
                it.remove();
            }
        }
        values.forEach((tags, value) -> rows.computeIfAbsent(tags, this::register).value().set(value));
    }

    int size() {
        return rows.size();
    }

    private Row register(Tags tags) {
        AtomicLong value = new AtomicLong();
        Gauge gauge = Gauge.builder(name, value, AtomicLong::get).strongReference(true).tags(tags)
                .description(description).baseUnit(baseUnit).register(registry);
        return new Row(gauge, value);
    }
}
