package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRecoveryTest {
    static final TopicPartition TP = new TopicPartition("events", 0);
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path logDir;
    final ManualClock clock = new ManualClock(T0);
    SegmentedLog log;

    static LogConfig config() {
        return LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "1024",
                LogConfig.INDEX_INTERVAL_BYTES, "64", LogConfig.FILE_DELETE_DELAY_MS, "0"));
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private SegmentedLog open() {
        log = SegmentedLog.open(logDir, TP, config(), clock);
        return log;
    }

    private void fill(int records) {
        for (int i = 0; i < records; i++) {
            log.appendAsLeader(TestRecords.batch(T0 + i, "value-" + i), 1);
        }
    }

    private Path segmentFile(long base, String kind) {
        return log.dir().resolve(LogSegment.fileStem(base) + kind);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x5a));
            ch.write(b.flip(), position);
        }
    }

    private static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    /** An unclean shutdown's checkpoint: recovery scans from the segment holding {@code recoveryPoint}. */
    private void forceRecoveryFrom(long recoveryPoint) throws IOException {
        new PartitionCheckpoint(recoveryPoint, log.logStartOffset(), 0, -1, false).write(log.dir());
    }

    private List<String> allValues() {
        List<String> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<TestRecords.Rec> recs = TestRecords.decode(log.read(offset, 1 << 20, Long.MAX_VALUE, true));
            recs.forEach(r -> out.add(r.value()));
            offset = recs.get(recs.size() - 1).offset() + 1;
        }
        return out;
    }

    @Test
    void garbageAfterTheLastBatchIsTruncated() throws Exception {
        open();
        fill(20);
        long active = log.segmentBaseOffsets().get(log.segmentCount() - 1);
        log.crashForTesting();
        byte[] garbage = new byte[333];
        new java.util.Random(7).nextBytes(garbage);
        appendBytes(segmentFile(active, ".log"), garbage);

        open();
        assertThat(log.isOnline()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(20);
        assertThat(log.recoveryTruncatedBytes()).isEqualTo(333);
        assertThat(log.metrics().recoveryTruncatedBytes()).isEqualTo(333);
        assertThat(allValues()).hasSize(20).endsWith("value-19");
        assertThat(log.appendAsLeader(TestRecords.batch(T0, "after"), 1).firstOffset()).isEqualTo(20);
    }

    @Test
    void garbageAfterACleanShutdownIsFoundByTheTailCheck() throws Exception {
        open();
        fill(8);
        log.close();
        appendBytes(segmentFile(0, ".log"), new byte[] {0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 77, 1, 2, 3});
        open();
        assertThat(log.logEndOffset()).isEqualTo(8);
        assertThat(log.recoveryTruncatedBytes()).isEqualTo(15);
        assertThat(log.appendAsLeader(TestRecords.batch(T0, "next"), 1).firstOffset()).isEqualTo(8);
        assertThat(allValues()).hasSize(9).endsWith("next");
    }

    @Test
    void zeroFilledTailIsTruncated() throws Exception {
        open();
        fill(5);
        log.crashForTesting();
        appendBytes(segmentFile(0, ".log"), new byte[4096]);
        open();
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.recoveryTruncatedBytes()).isEqualTo(4096);
    }

    @Test
    void flippedByteInTheLastBatchTruncatesThatBatch() throws Exception {
        open();
        fill(6);
        long size = Files.size(segmentFile(0, ".log"));
        int lastBatch = TestRecords.batch(T0 + 5, "value-5").sizeInBytes();
        log.crashForTesting();
        flipByte(segmentFile(0, ".log"), size - 3);

        open();
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.recoveryTruncatedBytes()).isEqualTo(lastBatch);
        assertThat(allValues()).containsExactly("value-0", "value-1", "value-2", "value-3", "value-4");
    }

    @Test
    void corruptionBelowTheRecoveryPointFoundByRecoveryTakesThePartitionOffline() throws Exception {
        open();
        fill(40);
        assertThat(log.segmentCount()).isGreaterThan(2);
        log.crashForTesting();
        // every segment is scanned; offset 0 lies below the recovery point, so it was fsynced
        forceRecoveryFrom(5);
        flipByte(segmentFile(0, ".log"), 70);

        open();
        assertThat(log.isOnline()).isFalse();
        assertThat(log.offlineReason()).contains(LogSegment.fileStem(0) + ".log").contains("position 0");
        assertThatThrownBy(() -> log.read(30, 100, Long.MAX_VALUE, true)).isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.batch(T0, "x"), 1))
                .isInstanceOf(KafkaStorageException.class);
        assertThat(log.awaitDurable(0)).isCompletedExceptionally();
        assertThat(Files.size(segmentFile(0, ".log"))).as("nothing is truncated or skipped").isPositive();
    }

    @Test
    void corruptionInAnOlderSegmentIsCaughtBeforeItIsServedAfterACleanShutdown() throws Exception {
        open();
        fill(40);
        long second = log.segmentBaseOffsets().get(1);
        int firstBatch = TestRecords.batch(T0, "value-0").sizeInBytes();
        log.close();
        flipByte(segmentFile(0, ".log"), firstBatch + 70);

        open();
        assertThat(log.isOnline()).isTrue();
        assertThat(TestRecords.decode(log.read(second, 100, Long.MAX_VALUE, true))).isNotEmpty();
        assertThatThrownBy(() -> log.read(0, 1 << 20, Long.MAX_VALUE, true))
                .isInstanceOf(KafkaStorageException.class)
                .hasMessageContaining(LogSegment.fileStem(0) + ".log")
                .hasMessageContaining("position " + firstBatch);
        assertThat(log.isOnline()).isFalse();
        assertThatThrownBy(() -> log.read(second, 100, Long.MAX_VALUE, true))
                .isInstanceOf(KafkaStorageException.class);
    }

    @Test
    void tailReadsAfterRestartTrustNewAppendsButOldBytesAreVerified() throws Exception {
        open();
        fill(5);
        log.close();
        flipByte(segmentFile(0, ".log"), 70);
        open();
        for (int i = 5; i < 10; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "value-" + i), 1);
        }
        assertThat(TestRecords.decode(log.read(7, 1 << 20, Long.MAX_VALUE, true)))
                .extracting(TestRecords.Rec::value).containsExactly("value-7", "value-8", "value-9");
        assertThat(log.isOnline()).isTrue();
        assertThatThrownBy(() -> log.read(0, 1 << 20, Long.MAX_VALUE, true))
                .isInstanceOf(KafkaStorageException.class).hasMessageContaining("position 0");
        assertThat(log.isOnline()).isFalse();
    }

    @Test
    void missingAndDamagedIndexFilesAreRebuilt() throws Exception {
        open();
        fill(40);
        List<Long> bases = log.segmentBaseOffsets();
        Map<Long, Long> byTimestamp = new java.util.HashMap<>();
        for (int i = 0; i < 40; i += 3) {
            byTimestamp.put(T0 + i, log.offsetForTimestamp(T0 + i).orElseThrow().offset());
        }
        List<String> before = allValues();
        log.close();
        long indexBytes = Files.size(segmentFile(bases.get(1), ".index"));
        Files.delete(segmentFile(bases.get(0), ".index"));
        Files.delete(segmentFile(bases.get(0), ".timeindex"));
        Files.delete(segmentFile(bases.get(bases.size() - 1), ".index"));
        try (FileChannel ch = FileChannel.open(segmentFile(bases.get(1), ".index"), StandardOpenOption.WRITE)) {
            ch.truncate(indexBytes - 3);
        }

        open();
        assertThat(log.isOnline()).isTrue();
        assertThat(segmentFile(bases.get(0), ".index")).exists();
        assertThat(segmentFile(bases.get(0), ".timeindex")).exists();
        assertThat(Files.size(segmentFile(bases.get(1), ".index"))).isEqualTo(indexBytes);
        assertThat(allValues()).isEqualTo(before);
        for (Map.Entry<Long, Long> e : byTimestamp.entrySet()) {
            assertThat(log.offsetForTimestamp(e.getKey()).orElseThrow().offset()).isEqualTo(e.getValue());
        }
        log.close();
        assertThat(Files.size(segmentFile(bases.get(0), ".index"))).isPositive();
    }

    @Test
    void interruptedCompactionSwapIsCompletedAndLeftoversRemoved() throws Exception {
        open();
        fill(40);
        List<Long> bases = log.segmentBaseOffsets();
        List<String> before = allValues();
        log.close();
        Path swap = segmentFile(bases.get(0), ".log.swap");
        Files.write(swap, Files.readAllBytes(segmentFile(bases.get(0), ".log")));
        appendBytes(swap, Files.readAllBytes(segmentFile(bases.get(1), ".log")));
        Files.write(segmentFile(bases.get(2), ".log.cleaned"), new byte[100]);
        Files.write(segmentFile(bases.get(2), ".log.deleted"), new byte[100]);
        Files.write(log.dir().resolve("partition.checkpoint.tmp"), new byte[10]);
        Files.write(segmentFile(99_999, ".index"), new byte[8]);

        open();
        assertThat(log.segmentBaseOffsets()).doesNotContain(bases.get(1)).contains(bases.get(0), bases.get(2));
        assertThat(allValues()).isEqualTo(before);
        try (var files = Files.list(log.dir())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".swap") || n.endsWith(".cleaned") || n.endsWith(".deleted")
                            || n.endsWith(".tmp") || n.startsWith(LogSegment.fileStem(99_999)));
        }
    }

    @Test
    void ioErrorTakesOnlyThatLogOffline() throws Exception {
        try (LogEnvironment env = new LogEnvironment(1)) {
            SegmentedLog doomed = SegmentedLog.open(logDir, TP, config(), clock, env);
            SegmentedLog healthy = SegmentedLog.open(logDir, new TopicPartition("events", 1), config(), clock, env);
            doomed.appendAsLeader(TestRecords.batch(T0, "x"), 1);
            Files.move(doomed.dir(), logDir.resolve("moved-away"));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    doomed.appendAsLeader(TestRecords.batch(T0, "value-" + i), 1);
                }
            }).isInstanceOf(KafkaStorageException.class);
            assertThat(doomed.isOnline()).isFalse();
            assertThat(env.metrics().logsTakenOffline()).isEqualTo(1);
            for (int i = 0; i < 100; i++) {
                healthy.appendAsLeader(TestRecords.batch(T0, "value-" + i), 1);
            }
            assertThat(healthy.isOnline()).isTrue();
            assertThat(healthy.awaitDurable(healthy.logEndOffset())).succeedsWithin(java.time.Duration.ofSeconds(10));
            doomed.close();
            healthy.close();
        }
    }
}
