package dev.kelpie.broker.metrics;

import dev.kelpie.broker.common.BuildInfo;
import dev.kelpie.broker.log.LogMetrics;
import dev.kelpie.broker.network.NetworkServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one broker: a Prometheus registry with the JVM and process binders, and the broker's own
 * meters ({@link MetricNames}), bound by the broker as its parts start.
 *
 * <pre>
 * BrokerMetrics metrics = new BrokerMetrics(nodeId, clusterId);
 * metrics.bindLogs(logEnvironment.metrics(), logDirs);     // before recovery: fsyncs and truncations count
 * metrics.bindCluster(source, partitionSeriesMax);           // partitions, leaders, per-topic and per-partition
 * metrics.bindNetwork(networkServer);
 * RequestMetrics requests = metrics.bindRequests(servedApiKeys);
 * String text = metrics.scrape();                            // refreshes the snapshots, then renders
 * </pre>
 *
 * <p>Values read from other components' state are refreshed once per {@link #scrape()} by the refreshers the
 * binds register, so one scrape sees one consistent snapshot and nothing is recomputed per meter.
 *
 * <p>Thread-safety: binds are for the broker's lifecycle thread; {@link #scrape()} is synchronized (refreshers
 * run one scrape at a time); the counters behind {@link #topics()} and {@link #bindRequests} are safe from
 * any thread.
 */
public final class BrokerMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Readiness readiness = new Readiness();
    private final TopicMetrics topics = new TopicMetrics(registry);
    private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public BrokerMetrics(int nodeId, String clusterId) {
        Gauge.builder(MetricNames.BROKER_INFO, () -> 1).strongReference(true)
                .description("Always 1; the labels say which broker")
                .tags("node_id", Integer.toString(nodeId), "cluster_id", clusterId, "version", BuildInfo.version())
                .register(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** Bytes and messages in and out per topic, counted by the Produce and Fetch handlers. */
    public TopicMetrics topics() {
        return topics;
    }

    /** The log engine's counters, an fsync latency histogram and the free space of every log dir. */
    public void bindLogs(LogMetrics logMetrics, List<Path> logDirs) {
        LogEngineMetrics.bind(registry, logMetrics, logDirs);
    }

    /** The Kafka listener's connections and request queues, labelled with its listener name. */
    public void bindNetwork(NetworkServer network) {
        refreshers.add(NetworkMetrics.bind(registry, network::stats, network.listenerName()));
    }

    /** Request latency and failures for the API keys the broker serves. */
    public RequestMetrics bindRequests(Set<ApiKeys> served) {
        return new RequestMetrics(registry, served);
    }

    /** Requests waiting in a purgatory, e.g. {@code fetch}. */
    public void bindPurgatory(String operation, IntSupplier delayedOperations) {
        Gauge.builder(MetricNames.PURGATORY_DELAYED, delayedOperations, IntSupplier::getAsInt).strongReference(true)
                .description("Requests waiting in a purgatory for data or their timeout").tag("operation", operation)
                .register(registry);
    }

    /**
     * Partition counts and health, per-topic partitions and sizes and, up to {@code partitionSeriesMax}
     * partitions on this broker, per-partition log sizes and offsets. Topics gone from the snapshot lose
     * their traffic series too.
     */
    public void bindCluster(ClusterStateSource source, int partitionSeriesMax) {
        PartitionMetrics partitions = new PartitionMetrics(registry, source, partitionSeriesMax);
        refreshers.add(() -> topics.retain(partitions.refresh()));
    }

    /** Consumer-group lag, committed offsets, members and state; see {@link GroupStateSource}. */
    public void bindGroups(GroupStateSource source, int partitionSeriesMax) {
        refreshers.add(new GroupMetrics(registry, source, partitionSeriesMax)::refresh);
    }

    /** Refreshes every snapshot and renders the registry in the Prometheus text format (0.0.4). */
    public synchronized String scrape() {
        for (Runnable refresher : refreshers) {
            try {
                refresher.run();
            } catch (RuntimeException e) {
                LOG.warn("A metrics refresher failed; its series keep their previous values", e);
            }
        }
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
