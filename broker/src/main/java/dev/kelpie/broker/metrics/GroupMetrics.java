package dev.kelpie.broker.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer-group series from one {@link GroupStateSource} answer per scrape: members and state per group,
 * lag per group and topic, and, while there are at most {@code partitionSeriesMax} committed partitions over
 * all groups, lag and committed offset per group, topic and partition.
 *
 * <p>Thread-safety: {@link #refresh} runs on one thread at a time (the scrape).
 */
final class GroupMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMetrics.class);
    static final Duration ANSWER_WAIT_MAX = Duration.ofSeconds(2);

    private final GroupStateSource source;
    private final int partitionSeriesMax;
    private final GaugeSet members;
    private final GaugeSet state;
    private final GaugeSet topicLag;
    private final GaugeSet lag;
    private final GaugeSet committed;

    GroupMetrics(MeterRegistry registry, GroupStateSource source, int partitionSeriesMax) {
        this.source = source;
        this.partitionSeriesMax = partitionSeriesMax;
        members = new GaugeSet(registry, MetricNames.GROUP_MEMBERS, "Members of the group", null);
        state = new GaugeSet(registry, MetricNames.GROUP_STATE, "1 for the group's current state", null);
        topicLag = new GaugeSet(registry, MetricNames.GROUP_TOPIC_LAG,
                "Records the group has not committed yet, summed over its partitions of the topic", null);
        lag = new GaugeSet(registry, MetricNames.GROUP_LAG,
                "High watermark minus committed offset of one partition", null);
        committed = new GaugeSet(registry, MetricNames.GROUP_COMMITTED_OFFSET,
                "The group's committed offset of one partition", null);
    }

    void refresh() {
        List<GroupStateSource.Group> groups;
        try {
            groups = source.groups().toCompletableFuture().get(ANSWER_WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("No group state for this scrape: {}", e.toString());
            return;
        }
        Map<Tags, Long> memberRows = new HashMap<>();
        Map<Tags, Long> stateRows = new HashMap<>();
        Map<Tags, Long> topicLagRows = new HashMap<>();
        Map<Tags, Long> lagRows = new HashMap<>();
        Map<Tags, Long> committedRows = new HashMap<>();
        for (GroupStateSource.Group g : groups) {
            memberRows.put(Tags.of("group", g.groupId()), (long) g.members());
            stateRows.put(Tags.of("group", g.groupId(), "type", g.type(), "state", g.state()), 1L);
            for (GroupStateSource.PartitionOffset o : g.offsets()) {
                Tags partition = Tags.of("group", g.groupId(), "topic", o.topic(), "partition",
                        Integer.toString(o.partition()));
                committedRows.put(partition, o.committedOffset());
                if (o.lag() >= 0) {
                    lagRows.put(partition, o.lag());
                    topicLagRows.merge(Tags.of("group", g.groupId(), "topic", o.topic()), o.lag(), Long::sum);
                }
            }
        }
        members.update(memberRows);
        state.update(stateRows);
        topicLag.update(topicLagRows);
        boolean perPartition = partitionSeriesMax > 0 && committedRows.size() <= partitionSeriesMax;
        lag.update(perPartition ? lagRows : Map.of());
        committed.update(perPartition ? committedRows : Map.of());
    }
}
