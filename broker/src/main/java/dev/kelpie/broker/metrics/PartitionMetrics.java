package dev.kelpie.broker.metrics;

import dev.kelpie.broker.log.SegmentedLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Partition counts and health, per-topic partitions and sizes, and per-partition log sizes and offsets, from
 * one {@link ClusterStateSource} snapshot per scrape.
 *
 * <p>{@code kelpie_offline_partitions{cause}} always has the three causes, 0 when healthy: {@code no_leader}
 * (the metadata names no live leader; counted by the active controller), {@code corruption} and
 * {@code io_error} (this broker leads the partition but its log went offline). Per-partition series are
 * exported only while this broker holds at most {@code partitionSeriesMax} partitions
 * ({@code kelpie_metrics_partition_series_enabled} says which).
 *
 * <p>Thread-safety: {@link #refresh} runs on one thread at a time (the scrape); gauges read atomics.
 */
final class PartitionMetrics {
    static final String NO_LEADER = "no_leader";
    private static final List<String> LOG_CAUSES = List.of(SegmentedLog.OFFLINE_CORRUPTION,
            SegmentedLog.OFFLINE_IO_ERROR);

    private final ClusterStateSource source;
    private final int partitionSeriesMax;
    private final AtomicLong brokers;
    private final AtomicLong activeController;
    private final AtomicLong partitions;
    private final AtomicLong leaders;
    private final AtomicLong underReplicated;
    private final AtomicLong underMinIsr;
    private final AtomicLong seriesEnabled;
    private final Map<String, AtomicLong> offline = new HashMap<>();
    private final GaugeSet topicPartitions;
    private final GaugeSet topicSize;
    private final GaugeSet logSize;
    private final GaugeSet logStart;
    private final GaugeSet logEnd;

    PartitionMetrics(MeterRegistry registry, ClusterStateSource source, int partitionSeriesMax) {
        this.source = source;
        this.partitionSeriesMax = partitionSeriesMax;
        brokers = gauge(registry, MetricNames.CLUSTER_BROKERS, "Brokers registered in the metadata", Tags.empty());
        activeController = gauge(registry, MetricNames.CONTROLLER_ACTIVE, "1 on the active controller",
                Tags.empty());
        partitions = gauge(registry, MetricNames.PARTITIONS, "Partitions with a replica on this broker",
                Tags.empty());
        leaders = gauge(registry, MetricNames.LEADER_PARTITIONS, "Partitions this broker leads", Tags.empty());
        underReplicated = gauge(registry, MetricNames.UNDER_REPLICATED_PARTITIONS,
                "Led partitions whose ISR is smaller than their replica set", Tags.empty());
        underMinIsr = gauge(registry, MetricNames.UNDER_MIN_ISR_PARTITIONS,
                "Led partitions whose ISR is smaller than min.insync.replicas", Tags.empty());
        seriesEnabled = gauge(registry, MetricNames.PARTITION_SERIES_ENABLED,
                "1 while per-partition series are exported (partitions <= kelpie.metrics.partition.series.max)",
                Tags.empty());
        for (String cause : List.of(NO_LEADER, SegmentedLog.OFFLINE_CORRUPTION, SegmentedLog.OFFLINE_IO_ERROR)) {
            offline.put(cause, gauge(registry, MetricNames.OFFLINE_PARTITIONS, "Unavailable partitions by cause",
                    Tags.of("cause", cause)));
        }
        topicPartitions = new GaugeSet(registry, MetricNames.TOPIC_PARTITIONS, "Partitions of the topic", null);
        topicSize = new GaugeSet(registry, MetricNames.TOPIC_LOG_SIZE, "Bytes of the topic's logs on this broker",
                "bytes");
        logSize = new GaugeSet(registry, MetricNames.LOG_SIZE, "Bytes of the partition's log segments", "bytes");
        logStart = new GaugeSet(registry, MetricNames.LOG_START_OFFSET, "The partition's log start offset", null);
        logEnd = new GaugeSet(registry, MetricNames.LOG_END_OFFSET, "The partition's log end offset", null);
    }

    private static AtomicLong gauge(MeterRegistry registry, String name, String description, Tags tags) {
        AtomicLong value = new AtomicLong();
        Gauge.builder(name, value, AtomicLong::get).strongReference(true).tags(tags).description(description)
                .register(registry);
        return value;
    }

    /** Takes a snapshot and updates every series; returns the names of the cluster's topics. */
    Set<String> refresh() {
        ClusterStateSource.Snapshot s = source.snapshot();
        brokers.set(s.brokers());
        activeController.set(s.activeController() ? 1 : 0);
        offline.get(NO_LEADER).set(s.leaderlessPartitions());
        Map<String, Long> offlineByCause = new HashMap<>();
        Map<Tags, Long> sizeByTopic = new HashMap<>();
        Map<Tags, Long> sizes = new HashMap<>();
        Map<Tags, Long> starts = new HashMap<>();
        Map<Tags, Long> ends = new HashMap<>();
        long led = 0;
        long under = 0;
        long underMin = 0;
        for (ClusterStateSource.Replica r : s.replicas()) {
            led += r.leader() ? 1 : 0;
            under += r.leader() && r.inSyncReplicas() < r.replicas() ? 1 : 0;
            underMin += r.leader() && r.inSyncReplicas() < r.minInsyncReplicas() ? 1 : 0;
            ClusterStateSource.Log log = r.log();
            if (log == null) {
                continue;
            }
            if (r.leader() && log.offlineCause() != null) {
                offlineByCause.merge(log.offlineCause(), 1L, Long::sum);
            }
            sizeByTopic.merge(Tags.of("topic", r.topic()), log.sizeBytes(), Long::sum);
            Tags tags = Tags.of("topic", r.topic(), "partition", Integer.toString(r.partition()));
            sizes.put(tags, log.sizeBytes());
            starts.put(tags, log.startOffset());
            ends.put(tags, log.endOffset());
        }
        partitions.set(s.replicas().size());
        leaders.set(led);
        underReplicated.set(under);
        underMinIsr.set(underMin);
        LOG_CAUSES.forEach(cause -> offline.get(cause).set(offlineByCause.getOrDefault(cause, 0L)));
        Map<Tags, Long> counts = new HashMap<>();
        s.topicPartitions().forEach((topic, n) -> counts.put(Tags.of("topic", topic), (long) n));
        topicPartitions.update(counts);
        topicSize.update(sizeByTopic);
        boolean perPartition = partitionSeriesMax > 0 && s.replicas().size() <= partitionSeriesMax;
        seriesEnabled.set(perPartition ? 1 : 0);
        logSize.update(perPartition ? sizes : Map.of());
        logStart.update(perPartition ? starts : Map.of());
        logEnd.update(perPartition ? ends : Map.of());
        return s.topicPartitions().keySet();
    }
}
