package dev.kelpie.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.log.LogCleaner;
import dev.kelpie.broker.log.LogManager;
import dev.kelpie.broker.log.SegmentedLog;
import dev.kelpie.broker.server.EmbeddedBroker;
import dev.kelpie.broker.server.Partition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compaction keeps {@code __consumer_offsets} bounded: a few groups commit offsets over and over, far more bytes
 * than the bound, while the log cleaner compacts the closed segments; the size of the offsets partitions stays
 * bounded throughout, and after a restart the replayed (compacted) log gives every group its last commit, read
 * back with the Admin client. The bulk of the commits goes through the coordinator's commit path in-process (the
 * wire adds nothing to what is written); the last commit of each group is a real consumer's.
 *
 * <p>The number of offset records is {@code -Dkelpie.compaction.commits} (default 1,000,000).
 */
class OffsetsCompactionTest {
    private static final int SEGMENT_BYTES = 1024 * 1024;
    private static final int IN_FLIGHT = 64;
    /** Once the cleaner caught up: an active segment per partition plus the compacted live offsets. */
    private static final long SETTLED_BOUND_BYTES = 6L * 1024 * 1024;
    private static final int GROUPS = 4;
    private static final int PARTITIONS = 50;
    private static final long COMMITS = Long.getLong("kelpie.compaction.commits", 1_000_000);

    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker(c -> c.withGroupCoordinator(GroupCoordinatorConfig
            .defaults().withInitialRebalanceDelayMs(0).withOffsetsTopic(4, SEGMENT_BYTES)),
            new LogManager.Settings(2, 2, 300_000, 1_000, 60_000,
                    new LogCleaner.Settings(true, Long.MAX_VALUE, 16L * 1024 * 1024, 50),
                    LogManager.Settings.defaults().producerIdExpirationMs()));

    @Test
    void repeatedCommitsKeepTheOffsetsTopicBounded() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("compacted", PARTITIONS, (short) 1))).all().get();
        AtomicLong largest = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> largest.accumulateAndGet(offsetsTopicBytes(), Math::max), 0, 100,
                TimeUnit.MILLISECONDS);
        ExecutorService committers = Executors.newFixedThreadPool(GROUPS);
        long started = System.nanoTime();
        List<Future<Map<TopicPartition, OffsetAndMetadata>>> lastCommits = new ArrayList<>();
        try {
            for (int g = 0; g < GROUPS; g++) {
                String group = "compaction-" + g;
                lastCommits.add(committers.submit(() -> commitRepeatedly(group, COMMITS / GROUPS / PARTITIONS)));
            }
            Map<String, Map<TopicPartition, OffsetAndMetadata>> expected = new HashMap<>();
            for (int g = 0; g < GROUPS; g++) {
                expected.put("compaction-" + g, lastCommits.get(g).get(120, TimeUnit.SECONDS));
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            long appended = offsetsTopicRecords();
            long written = offsetsTopicWrittenBytes();
            long peak = largest.get();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> offsetsTopicBytes() <= SETTLED_BOUND_BYTES);
            long settledSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) - seconds;
            System.out.printf("%d offset records (%d bytes) committed by %d groups in %d s; __consumer_offsets held at"
                    + " most %d bytes while they were written and %d bytes %d s later%n", appended, written, GROUPS,
                    seconds, peak, offsetsTopicBytes(), settledSeconds);
            offsetsLogs().forEach(l -> System.out.printf("%s: %d segments, %d bytes, log end offset %d%n",
                    l.topicPartition(), l.segmentCount(), l.sizeInBytes(), l.logEndOffset()));
            assertThat(appended).isGreaterThanOrEqualTo(COMMITS);
            assertThat(written).as("far more was written than the settled size").isGreaterThan(2 * SETTLED_BOUND_BYTES);
            assertThat(peak).as("the cleaner compacts while commits arrive").isLessThan(written);

            BROKER.restart();
            for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> e : expected.entrySet()) {
                assertThat(BROKER.admin().listConsumerGroupOffsets(e.getKey()).partitionsToOffsetAndMetadata().get())
                        .as("group %s after replaying the compacted log", e.getKey()).isEqualTo(e.getValue());
            }
        } finally {
            sampler.shutdownNow();
            committers.shutdownNow();
        }
    }

    /**
     * Commits every partition {@code rounds} times with growing offsets through the group coordinator's own commit
     * path (the handler's, minus the wire), keeping {@link #IN_FLIGHT} commits outstanding; then once more with a
     * real consumer. Returns the last committed offsets.
     */
    private static Map<TopicPartition, OffsetAndMetadata> commitRepeatedly(String group, long rounds)
            throws Exception {
        GroupCoordinator coordinator = BROKER.server().groupCoordinator();
        coordinator.findCoordinator(group).get(60, TimeUnit.SECONDS);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(IN_FLIGHT);
        AtomicLong failures = new AtomicLong();
        for (long round = 1; round < rounds; round++) {
            List<OffsetManager.CommitPartition> partitions = new ArrayList<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                partitions.add(new OffsetManager.CommitPartition("compacted", partition, round * 10 + partition, -1,
                        "", null));
            }
            inFlight.acquire();
            coordinator.commitOffsets(new OffsetManager.CommitArgs(group, -1, "", null, (short) 9, partitions))
                    .whenComplete((errors, e) -> {
                        if (e != null || errors.stream().anyMatch(x -> x != org.apache.kafka.common.protocol.Errors
                                .NONE)) {
                            failures.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(IN_FLIGHT);
        assertThat(failures.get()).isZero();
        Map<TopicPartition, OffsetAndMetadata> last = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            last.put(new TopicPartition("compacted", partition), new OffsetAndMetadata(rounds * 10 + partition));
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> consumer = BROKER.consumer(p)) {
            consumer.commitSync(last);
        }
        return last;
    }

    private static List<Partition> offsetsPartitions() {
        List<Partition> out = new ArrayList<>();
        BROKER.server().partitionManager().partitions().forEach((tp, partition) -> {
            if (tp.topic().equals(GroupCoordinator.OFFSETS_TOPIC)) {
                out.add(partition);
            }
        });
        return out;
    }

    private static List<SegmentedLog> offsetsLogs() {
        return offsetsPartitions().stream().map(Partition::log).toList();
    }

    private static long offsetsTopicWrittenBytes() {
        return offsetsPartitions().stream().mapToLong(Partition::committedBytes).sum();
    }

    private static long offsetsTopicBytes() {
        return offsetsLogs().stream().mapToLong(SegmentedLog::sizeInBytes).sum();
    }

    private static long offsetsTopicRecords() {
        return offsetsLogs().stream().mapToLong(SegmentedLog::logEndOffset).sum();
    }

}
