/**
 * The broker's metrics and health endpoints: one Micrometer {@code PrometheusMeterRegistry} per broker
 * ({@link dev.kelpie.broker.metrics.BrokerMetrics}), served with {@code /healthz} and {@code /readyz} by
 * {@link dev.kelpie.broker.metrics.MetricsHttpServer} on {@code kelpie.metrics.port}.
 *
 * <p>Names follow Prometheus conventions: a {@code kelpie_} prefix, base units as suffixes ({@code _bytes},
 * {@code _seconds}), {@code _total} on counters, and labels with bounded values only (topic, partition, group,
 * API name, error name, listener, cause). {@link dev.kelpie.broker.metrics.MetricNames} lists every meter and
 * {@code docs/metrics.md} what each one means.
 *
 * <p>Most values are read from state other packages already keep (the log engine's counters, the network's
 * stats, the purgatory, the partition logs, the metadata image) when Prometheus scrapes: before each scrape
 * the registered refreshers take one snapshot of that state. Only per-request and per-topic traffic are
 * counted as they happen ({@link dev.kelpie.broker.metrics.RequestMetrics},
 * {@link dev.kelpie.broker.metrics.TopicMetrics}).
 *
 * <p>Sources this package reads through small interfaces, so it does not depend on the packages that use it:
 * {@link dev.kelpie.broker.metrics.ClusterStateSource} (partitions and their logs, implemented in
 * {@code server}) and {@link dev.kelpie.broker.metrics.GroupStateSource} (consumer groups).
 */
package dev.kelpie.broker.metrics;
