package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path root;
    final ManualClock clock = new ManualClock(T0);

    LogManager manager(List<Path> dirs) {
        return new LogManager(dirs, clock, LogManager.Settings.defaults(), tp -> Runnable::run);
    }

    /** The entries of a log dir other than its journal. */
    static List<Path> partitionDirs(Path logDir) throws java.io.IOException {
        try (var files = Files.list(logDir)) {
            return files.filter(p -> !p.getFileName().toString().equals(LogJournal.DIR_NAME)).toList();
        }
    }

    static LogConfig config() {
        return LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "1024"));
    }

    @Test
    void createsSpreadsReloadsAndRecoversPartitions() throws Exception {
        List<Path> dirs = List.of(root.resolve("d1"), root.resolve("d2"));
        try (LogManager m = manager(dirs)) {
            m.startup(tp -> config());
            for (int p = 0; p < 6; p++) {
                SegmentedLog log = m.getOrCreate(new TopicPartition("my-topic", p), config());
                for (int i = 0; i <= p; i++) {
                    log.appendAsLeader(TestRecords.batch(T0, "v" + i), 0);
                }
            }
            assertThat(m.getOrCreate(new TopicPartition("my-topic", 0), config()))
                    .isSameAs(m.get(new TopicPartition("my-topic", 0)).orElseThrow());
            assertThat(partitionDirs(dirs.get(0))).hasSize(3);
            assertThat(partitionDirs(dirs.get(1))).hasSize(3);
            assertThat(dirs.get(0).resolve(LogJournal.DIR_NAME)).isDirectory();
        }
        Files.createDirectories(dirs.get(0).resolve("not-a-partition"));
        try (LogManager m = manager(dirs)) {
            m.startup(tp -> config());
            assertThat(m.allLogs()).hasSize(6);
            for (int p = 0; p < 6; p++) {
                assertThat(m.get(new TopicPartition("my-topic", p)).orElseThrow().logEndOffset()).isEqualTo(p + 1);
            }
            assertThat(m.offlinePartitions()).isEmpty();
        }
    }

    @Test
    void flushCheckFsyncsIntervalSegmentsSealedForTheCheckpointIntervalAndMovesTheRecoveryPoint() throws Exception {
        LogManager.Settings d = LogManager.Settings.defaults();
        LogManager.Settings settings = new LogManager.Settings(1, 1, d.retentionCheckIntervalMs(), 10,
                d.checkpointIntervalMs(), d.cleaner(), d.producerIdExpirationMs());
        LogConfig interval = config().withOverrides(Map.of(LogConfig.FLUSH_POLICY, "interval"));
        try (LogManager m = new LogManager(List.of(root), clock, settings, tp -> Runnable::run)) {
            m.startup(tp -> interval);
            SegmentedLog log = m.getOrCreate(new TopicPartition("lazy", 0), interval);
            for (int i = 0; log.segmentCount() < 2; i++) {
                log.appendAsLeader(TestRecords.batch(T0, "v" + i), 0);
            }
            LogSegment sealed = log.segmentMap().firstEntry().getValue();
            long activeBase = log.segmentMap().lastKey();
            assertThat(m.environment().rollFlushDelayMs()).isEqualTo(settings.checkpointIntervalMs());
            assertThat(sealed.isRollFlushPending()).as("the clock has not moved: not due").isTrue();

            clock.advanceMs(settings.checkpointIntervalMs());
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> PartitionCheckpoint.read(log.dir()).recoveryPoint() == activeBase);
            assertThat(sealed.isRollFlushPending()).isFalse();
        }
    }

    @Test
    void deleteRemovesTheDirectoryAsynchronouslyAndAllowsRecreation() throws Exception {
        try (LogManager m = manager(List.of(root))) {
            m.startup(tp -> config());
            TopicPartition tp = new TopicPartition("gone", 0);
            SegmentedLog log = m.getOrCreate(tp, config());
            log.appendAsLeader(TestRecords.batch(T0, "x"), 0);
            m.delete(tp);
            assertThat(m.get(tp)).isEmpty();
            assertThat(root.resolve("gone-0")).doesNotExist();
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(partitionDirs(root)).isEmpty();
            });
            SegmentedLog again = m.getOrCreate(tp, config());
            assertThat(again.logEndOffset()).isZero();
        }
    }

    @Test
    void corruptPartitionIsReportedOfflineWhileOthersLoad() throws Exception {
        try (LogManager m = manager(List.of(root))) {
            m.startup(tp -> config());
            for (int p = 0; p < 2; p++) {
                SegmentedLog log = m.getOrCreate(new TopicPartition("t", p), config());
                for (int i = 0; i < 30; i++) {
                    log.appendAsLeader(TestRecords.batch(T0, "value-" + i), 0);
                }
            }
        }
        Path bad = root.resolve("t-0");
        // an unclean shutdown with offsets below 5 recorded durable: damage there is not a torn write
        new PartitionCheckpoint(5, 0, 0, -1, false).write(bad);
        byte[] seg = Files.readAllBytes(bad.resolve(LogSegment.fileStem(0) + ".log"));
        seg[40] ^= 0x01;
        Files.write(bad.resolve(LogSegment.fileStem(0) + ".log"), seg);
        try (LogManager m = manager(List.of(root))) {
            m.startup(tp -> config());
            assertThat(m.offlinePartitions()).containsOnlyKeys(new TopicPartition("t", 0));
            assertThat(m.get(new TopicPartition("t", 1)).orElseThrow().isOnline()).isTrue();
            assertThat(m.get(new TopicPartition("t", 1)).orElseThrow().logEndOffset()).isEqualTo(30);
        }
    }

    @Test
    void parsesPartitionDirectoryNames() {
        assertThat(LogManager.parseDirName("a-b-c-12")).contains(new TopicPartition("a-b-c", 12));
        assertThat(LogManager.parseDirName("topic-x")).isEmpty();
        assertThat(LogManager.parseDirName("-1")).isEmpty();
        assertThat(LogManager.parseDirName("t-0.abc-delete")).isEmpty();
    }
}
