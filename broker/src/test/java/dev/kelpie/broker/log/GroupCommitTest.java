package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path logDir;
    final ManualClock clock = new ManualClock(T0);

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        int logs = 4;
        int appendsPerLog = 500;
        LogConfig config = LogConfig.defaults();
        ExecutorService owners = Executors.newFixedThreadPool(logs);
        try (LogEnvironment env = new LogEnvironment(2)) {
            List<SegmentedLog> opened = new ArrayList<>();
            List<Future<List<CompletableFuture<Void>>>> results = new ArrayList<>();
            for (int p = 0; p < logs; p++) {
                SegmentedLog log = SegmentedLog.open(logDir, new TopicPartition("t", p), config, clock, env);
                opened.add(log);
                results.add(owners.submit(() -> {
                    List<CompletableFuture<Void>> acks = new ArrayList<>();
                    for (int i = 0; i < appendsPerLog; i++) {
                        LogAppendInfo info = log.appendAsLeader(TestRecords.batch(T0, "value-" + i), 0);
                        acks.add(log.awaitDurable(info.lastOffset() + 1));
                    }
                    return acks;
                }));
            }
            for (Future<List<CompletableFuture<Void>>> r : results) {
                CompletableFuture.allOf(r.get().toArray(new CompletableFuture<?>[0])).get(30,
                        java.util.concurrent.TimeUnit.SECONDS);
            }
            for (SegmentedLog log : opened) {
                assertThat(log.durableOffset()).isEqualTo(appendsPerLog);
            }
            long fsyncs = env.metrics().fsyncCount();
            org.slf4j.LoggerFactory.getLogger(GroupCommitTest.class).info("{} appends on {} logs took {} fsyncs",
                    logs * appendsPerLog, logs, fsyncs);
            assertThat(fsyncs).as("fsyncs for %d appends", logs * appendsPerLog)
                    .isPositive().isLessThan(logs * appendsPerLog / 5);
            opened.forEach(SegmentedLog::close);
        } finally {
            owners.shutdownNow();
        }
    }

    @Test
    void durableFutureCompletesOnlyAfterFsyncAndAtOnceWhenAlreadyDurable() {
        SegmentedLog log = SegmentedLog.open(logDir, new TopicPartition("t", 0), LogConfig.defaults(), clock);
        try {
            LogAppendInfo info = log.appendAsLeader(TestRecords.batch(T0, "a"), 0);
            CompletableFuture<Void> f = log.awaitDurable(info.lastOffset() + 1);
            assertThat(f).succeedsWithin(Duration.ofSeconds(10));
            assertThat(log.durableOffset()).isEqualTo(1);
            assertThat(log.metrics().fsyncCount()).isEqualTo(1);
            assertThat(log.awaitDurable(1)).isCompleted();
            assertThat(log.metrics().fsyncCount()).isEqualTo(1);
        } finally {
            log.close();
        }
    }

    @Test
    void intervalPolicyLeavesTheActiveSegmentToFlushMsAsKafkaDoes() throws Exception {
        LogConfig config = LogConfig.defaults().withOverrides(Map.of(LogConfig.FLUSH_POLICY, "interval",
                LogConfig.FLUSH_MS, "60000"));
        try (LogEnvironment env = new LogEnvironment(1)) {
            SegmentedLog log = SegmentedLog.open(logDir, new TopicPartition("t", 0), config, clock, env);
            try {
                String value = "x".repeat(60_000);
                for (int i = 0; i < 200; i++) {
                    assertThat(log.awaitDurable(log.appendAsLeader(TestRecords.batch(T0, value), 0).lastOffset() + 1))
                            .as("acknowledged without an fsync").isCompleted();
                }
                // one flusher thread, FIFO: once the marker ran, so did the log's own pass
                CountDownLatch passed = new CountDownLatch(1);
                env.flusher().request(log);
                env.flusher().request(passed::countDown);
                assertThat(passed.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(log.segmentCount()).as("12 MB in one segment").isEqualTo(1);
                assertThat(log.metrics().fsyncCount()).as("no write-behind fsync").isZero();
                assertThat(log.durableOffset()).isZero();

                clock.advanceMs(config.flushMs());
                log.flushIfDue();
                assertThat(log.durableOffset()).isEqualTo(200);
                assertThat(log.metrics().fsyncCount()).isEqualTo(1);
            } finally {
                log.close();
            }
        }
    }

    @Test
    void intervalPolicyFlushesEveryFlushMessagesAndAcksAtOnce() {
        LogConfig config = LogConfig.defaults().withOverrides(Map.of(LogConfig.FLUSH_POLICY, "interval",
                LogConfig.FLUSH_MESSAGES, "10", LogConfig.FLUSH_MS, "1000"));
        SegmentedLog log = SegmentedLog.open(logDir, new TopicPartition("t", 0), config, clock);
        try {
            for (int i = 0; i < 25; i++) {
                LogAppendInfo info = log.appendAsLeader(TestRecords.batch(T0, "v" + i), 0);
                assertThat(log.awaitDurable(info.lastOffset() + 1)).isCompleted();
            }
            assertThat(log.durableOffset()).isEqualTo(20);
            assertThat(log.metrics().fsyncCount()).isEqualTo(2);
            log.flushIfDue();
            assertThat(log.durableOffset()).isEqualTo(20);
            clock.advanceMs(1_000);
            log.flushIfDue();
            assertThat(log.durableOffset()).isEqualTo(25);
        } finally {
            log.close();
        }
    }
}
