package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {
    static final TopicPartition TP = new TopicPartition("orders", 3);
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path logDir;
    final ManualClock clock = new ManualClock(T0);
    SegmentedLog log;

    static LogConfig smallSegments(String... overrides) {
        Map<String, String> m = new java.util.HashMap<>(Map.of(LogConfig.SEGMENT_BYTES, "1024",
                LogConfig.INDEX_INTERVAL_BYTES, "100", LogConfig.FILE_DELETE_DELAY_MS, "0"));
        for (int i = 0; i < overrides.length; i += 2) {
            m.put(overrides[i], overrides[i + 1]);
        }
        return LogConfig.defaults().withOverrides(m);
    }

    SegmentedLog open(LogConfig config) {
        log = SegmentedLog.open(logDir, TP, config, clock);
        return log;
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private static List<String> values(LogReadInfo info) {
        return TestRecords.decode(info).stream().map(TestRecords.Rec::value).toList();
    }

    @Test
    void appendAssignsOffsetsAndReadReturnsThem() {
        open(smallSegments());
        LogAppendInfo a = log.appendAsLeader(TestRecords.batch(T0, "a", "b", "c"), 5);
        LogAppendInfo b = log.appendAsLeader(TestRecords.batch(T0, "d"), 5);

        assertThat(a.firstOffset()).isEqualTo(0);
        assertThat(a.lastOffset()).isEqualTo(2);
        assertThat(a.recordCount()).isEqualTo(3);
        assertThat(a.logAppendTimeMs()).isEqualTo(-1);
        assertThat(b.firstOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(4);
        List<TestRecords.Rec> recs = TestRecords.decode(log.read(1, 1 << 20, Long.MAX_VALUE, true));
        assertThat(recs).extracting(TestRecords.Rec::value).containsExactly("a", "b", "c", "d");
        assertThat(recs).extracting(TestRecords.Rec::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(log.dir()).isEqualTo(logDir.resolve("orders-3"));
    }

    @Test
    void leaderEpochIsStampedAndCheckpointed() throws Exception {
        open(smallSegments());
        log.appendAsLeader(TestRecords.batch(T0, "a"), 3);
        log.appendAsLeader(TestRecords.batch(T0, "b"), 7);
        MemoryRecords read = TestRecords.bytesOf(log.read(0, 1 << 20, Long.MAX_VALUE, true).records());
        assertThat(read.batches()).extracting(RecordBatch::partitionLeaderEpoch).containsExactly(3, 7);
        assertThat(log.leaderEpochs().latestEpoch()).contains(7);
        assertThat(log.leaderEpochs().endOffsetFor(3, log.logEndOffset()))
                .contains(new LeaderEpochCache.EpochEndOffset(3, 1));
        assertThat(Files.readAllLines(log.dir().resolve("leader-epoch-checkpoint")))
                .containsExactly("0", "2", "3 0", "7 1");
    }

    @Test
    void logAppendTimeOverwritesTimestamps() {
        open(smallSegments(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        clock.advanceMs(500);
        LogAppendInfo info = log.appendAsLeader(TestRecords.batch(T0 - 1_000_000, "a", "b"), 0);
        assertThat(info.logAppendTimeMs()).isEqualTo(T0 + 500);
        MemoryRecords read = TestRecords.bytesOf(log.read(0, 1 << 20, Long.MAX_VALUE, true).records());
        RecordBatch batch = read.batches().iterator().next();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(TestRecords.decode(read)).extracting(TestRecords.Rec::timestamp).containsOnly(T0 + 500);
    }

    @Test
    void rejectsCorruptBatches() {
        open(smallSegments());
        MemoryRecords records = TestRecords.batch(T0, "hello");
        ByteBuffer buf = records.buffer();
        buf.put(buf.limit() - 1, (byte) (buf.get(buf.limit() - 1) ^ 0x40));
        assertThatThrownBy(() -> log.appendAsLeader(records, 0)).isInstanceOf(CorruptRecordException.class);

        ByteBuffer withTrailer = ByteBuffer.allocate(TestRecords.batch(T0, "x").sizeInBytes() + 7);
        withTrailer.put(TestRecords.batch(T0, "x").buffer()).put(new byte[7]).flip();
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(withTrailer), 0))
                .isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.isOnline()).isTrue();
    }

    @Test
    void rejectsOversizedControlKeylessAndBadTimestampBatches() {
        open(smallSegments(LogConfig.MAX_MESSAGE_BYTES, "200", LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "1000"));
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.batch(T0, "x".repeat(300)), 0))
                .isInstanceOf(RecordTooLargeException.class);
        MemoryRecords control = MemoryRecords.withEndTransactionMarker(0L, T0, 0, 7L, (short) 0,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        assertThatThrownBy(() -> log.appendAsLeader(control, 0)).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.batch(T0 - 5_000, "old"), 0))
                .isInstanceOf(InvalidTimestampException.class);
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.withRecords(5L, Compression.NONE,
                new SimpleRecord(T0, "v".getBytes(StandardCharsets.UTF_8))), 0))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("base offset");
        log.close();
        open(smallSegments(LogConfig.CLEANUP_POLICY, "compact"));
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.keyed(T0, null, "v"), 0))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("key");
        assertThat(log.appendAsLeader(TestRecords.keyed(T0, "k", "v"), 0).firstOffset()).isZero();
    }

    @Test
    void rejectsInconsistentRecordCountsAndOffsetDeltas() {
        open(smallSegments());
        MemoryRecords countMismatch = TestRecords.batch(T0, "a", "b");
        Batches.setLastOffsetDelta(countMismatch.buffer(), 2);
        assertThatThrownBy(() -> log.appendAsLeader(countMismatch, 0))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("count");

        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(256), Compression.NONE,
                TimestampType.CREATE_TIME, 0L);
        b.appendWithOffset(0, new SimpleRecord(T0, "a".getBytes(StandardCharsets.UTF_8)));
        b.appendWithOffset(2, new SimpleRecord(T0, "b".getBytes(StandardCharsets.UTF_8)));
        MemoryRecords gap = b.build();
        Batches.setLastOffsetDelta(gap.buffer(), 1);
        assertThatThrownBy(() -> log.appendAsLeader(gap, 0))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("offset delta");
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void readStopsAtBoundAndByteLimitOnBatchBoundaries() {
        open(smallSegments(LogConfig.SEGMENT_BYTES, "100000"));
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "v" + (2 * i), "v" + (2 * i + 1)), 0);
        }
        int batchBytes = TestRecords.batch(T0, "v0", "v1").sizeInBytes();
        assertThat(values(log.read(0, 1 << 20, 4, false))).containsExactly("v0", "v1", "v2", "v3");
        assertThat(values(log.read(0, 1 << 20, 3, false))).containsExactly("v0", "v1");
        assertThat(log.read(2, 1 << 20, 3, true).records().sizeInBytes()).isZero();
        assertThat(values(log.read(3, 1 << 20, Long.MAX_VALUE, false))).containsExactly("v2", "v3", "v4", "v5");
        assertThat(values(log.read(0, batchBytes + 5, Long.MAX_VALUE, false))).containsExactly("v0", "v1");
        assertThat(log.read(0, 10, Long.MAX_VALUE, false).records().sizeInBytes()).isZero();
        assertThat(values(log.read(0, 10, Long.MAX_VALUE, true))).containsExactly("v0", "v1");
        assertThat(log.read(6, 100, Long.MAX_VALUE, true).records().sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(7, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void reopenKeepsRecordsAcrossRolls() {
        open(smallSegments());
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(TestRecords.batch(T0 + i, "value-" + i), 1);
        }
        assertThat(log.segmentCount()).isGreaterThan(2);
        log.close();
        open(smallSegments());
        assertThat(log.logEndOffset()).isEqualTo(50);
        assertThat(log.recoveryTruncatedBytes()).isZero();
        for (int i = 0; i < 50; i++) {
            List<TestRecords.Rec> recs = TestRecords.decode(log.read(i, 1, Long.MAX_VALUE, true));
            assertThat(recs.get(0).value()).isEqualTo("value-" + i);
        }
        assertThat(log.appendAsLeader(TestRecords.batch(T0, "next"), 1).firstOffset()).isEqualTo(50);
    }

    @Test
    void offsetForTimestampFindsFirstRecordAtOrAfter() {
        open(smallSegments(LogConfig.INDEX_INTERVAL_BYTES, "0"));
        long[] ts = {T0 + 10, T0 + 5, T0 + 30, T0 + 20, T0 + 40};
        for (long t : ts) {
            log.appendAsLeader(TestRecords.batch(t, "r" + t), 2);
        }
        assertThat(log.offsetForTimestamp(T0 + 6)).map(PartitionLog.TimestampAndOffset::offset).contains(0L);
        assertThat(log.offsetForTimestamp(T0 + 11)).map(PartitionLog.TimestampAndOffset::offset).contains(2L);
        assertThat(log.offsetForTimestamp(T0 + 21)).map(PartitionLog.TimestampAndOffset::offset).contains(2L);
        assertThat(log.offsetForTimestamp(T0 + 31)).contains(new PartitionLog.TimestampAndOffset(T0 + 40, 4, 2));
        assertThat(log.offsetForTimestamp(T0 + 41)).isEmpty();
        assertThat(log.offsetForTimestamp(PartitionLog.MAX_TIMESTAMP))
                .contains(new PartitionLog.TimestampAndOffset(T0 + 40, 4, 2));
        assertThat(log.offsetForTimestamp(PartitionLog.EARLIEST_TIMESTAMP))
                .contains(new PartitionLog.TimestampAndOffset(-1, 0, 2));
        assertThat(log.offsetForTimestamp(PartitionLog.LATEST_TIMESTAMP))
                .contains(new PartitionLog.TimestampAndOffset(-1, 5, 2));
    }

    @Test
    void rollsOnSegmentMsAndFullIndex() {
        open(smallSegments(LogConfig.SEGMENT_BYTES, "1000000", LogConfig.SEGMENT_MS, "1000"));
        log.appendAsLeader(TestRecords.batch(T0, "a"), 0);
        log.appendAsLeader(TestRecords.batch(T0 + 500, "b"), 0);
        assertThat(log.segmentCount()).isEqualTo(1);
        clock.advanceMs(2_000);
        log.appendAsLeader(TestRecords.batch(T0 + 2_000, "c"), 0);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
        log.close();

        Path other = logDir.resolve("other");
        log = SegmentedLog.open(other, TP, smallSegments(LogConfig.SEGMENT_BYTES, "1000000",
                LogConfig.INDEX_INTERVAL_BYTES, "0", LogConfig.SEGMENT_INDEX_BYTES, "4096"), clock);
        for (int i = 0; i < 400; i++) {
            log.appendAsLeader(TestRecords.batch(T0 + i, "v"), 0);
        }
        assertThat(log.segmentCount()).isGreaterThan(1);
        assertThat(values(log.read(399, 100, Long.MAX_VALUE, true))).containsExactly("v");
    }

    @Test
    void retentionBytesAndMsDeleteOldSegments() throws Exception {
        open(smallSegments(LogConfig.RETENTION_BYTES, "3000"));
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(TestRecords.batch(T0 + i, "value-" + i), 0);
        }
        long before = log.segmentCount();
        int deleted = log.enforceRetention();
        assertThat(deleted).isPositive();
        assertThat(log.segmentCount()).isEqualTo(before - deleted);
        // Kafka's rule: delete a segment only while the rest still holds at least retention.bytes
        assertThat(log.sizeInBytes()).isBetween(3000L, 3000L + 1024);
        assertThat(log.logStartOffset()).isEqualTo(log.segmentBaseOffsets().get(0));
        assertThatThrownBy(() -> log.read(0, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
        try (var files = Files.list(log.dir())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")))
                    .hasSize(log.segmentCount());
        }

        log.updateConfig(smallSegments(LogConfig.RETENTION_MS, "60000"));
        clock.advanceMs(120_000);
        log.enforceRetention();
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(60);
        assertThat(log.logEndOffset()).isEqualTo(60);
        assertThat(log.appendAsLeader(TestRecords.batch(clock.wallMs(), "fresh"), 0).firstOffset()).isEqualTo(60);
    }

    @Test
    void retentionStaysBelowTheHighWatermarkWhichIsCheckpointed() {
        open(smallSegments(LogConfig.RETENTION_BYTES, "1"));
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "value-" + i), 0);
        }
        assertThat(log.highWatermark()).isEqualTo(-1);
        long secondBase = log.segmentBaseOffsets().get(1);
        log.updateHighWatermark(secondBase + 1);
        log.enforceRetention();
        assertThat(log.segmentBaseOffsets().get(0)).isEqualTo(secondBase);
        assertThat(log.logStartOffset()).isEqualTo(secondBase);
        log.close();
        open(smallSegments());
        assertThat(log.highWatermark()).isEqualTo(secondBase + 1);
    }

    @Test
    void deleteRecordsMovesLogStartAndSurvivesReopen() {
        open(smallSegments());
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "value-" + i), 0);
        }
        assertThat(log.deleteRecordsBefore(25)).isEqualTo(25);
        assertThat(log.segmentBaseOffsets().get(0)).isLessThanOrEqualTo(25);
        assertThat(log.segmentBaseOffsets().size() > 1 ? log.segmentBaseOffsets().get(1) : 41).isGreaterThan(25);
        assertThatThrownBy(() -> log.read(24, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.offsetForTimestamp(PartitionLog.EARLIEST_TIMESTAMP).orElseThrow().offset()).isEqualTo(25);
        assertThat(TestRecords.decode(log.read(25, 1 << 20, Long.MAX_VALUE, true)))
                .extracting(TestRecords.Rec::offset).contains(25L).allMatch(o -> o >= 24);
        assertThatThrownBy(() -> log.deleteRecordsBefore(41)).isInstanceOf(OffsetOutOfRangeException.class);
        log.close();
        open(smallSegments());
        assertThat(log.logStartOffset()).isEqualTo(25);
    }

    @Test
    void sliceOfDeletedSegmentStaysReadableUntilReleased() throws Exception {
        open(smallSegments());
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "value-" + i), 0);
        }
        LogReadInfo held = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        Path firstSegment = log.dir().resolve(LogSegment.fileStem(0) + ".log");
        log.deleteRecordsBefore(39);
        assertThat(firstSegment).doesNotExist();
        assertThat(log.segmentBaseOffsets()).doesNotContain(0L);
        assertThat(TestRecords.decode(held)).extracting(TestRecords.Rec::value).startsWith("value-0");
        assertThat(held.records().isReleased()).isTrue();
    }

    @Test
    void truncateToRemovesTailAndEpochs() {
        open(smallSegments());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "value-" + i), i < 20 ? 1 : 2);
        }
        int segmentsBefore = log.segmentCount();
        log.truncateTo(12);
        assertThat(log.logEndOffset()).isEqualTo(12);
        assertThat(log.segmentCount()).isLessThan(segmentsBefore);
        assertThat(log.leaderEpochs().latestEpoch()).contains(1);
        assertThat(values(log.read(11, 1 << 20, Long.MAX_VALUE, true))).containsExactly("value-11");
        assertThat(log.appendAsLeader(TestRecords.batch(T0, "new"), 3).firstOffset()).isEqualTo(12);
        log.close();
        open(smallSegments());
        assertThat(log.logEndOffset()).isEqualTo(13);
        assertThat(values(log.read(12, 1 << 20, Long.MAX_VALUE, true))).containsExactly("new");
        assertThat(log.leaderEpochs().endOffsetFor(1, log.logEndOffset()))
                .contains(new LeaderEpochCache.EpochEndOffset(1, 12));
    }

    @Test
    void truncateFullyRestartsAtOffset() {
        open(smallSegments());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "value-" + i), 1);
        }
        log.truncateFullyAndStartAt(100);
        assertThat(log.logStartOffset()).isEqualTo(100);
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(log.segmentBaseOffsets()).containsExactly(100L);
        assertThat(log.leaderEpochs().latestEpoch()).isEmpty();
        assertThat(log.appendAsLeader(TestRecords.batch(T0, "x"), 4).firstOffset()).isEqualTo(100);
        log.close();
        open(smallSegments());
        assertThat(log.logStartOffset()).isEqualTo(100);
        assertThat(values(log.read(100, 1 << 20, Long.MAX_VALUE, true))).containsExactly("x");
    }

    @Test
    void followerAppendKeepsOffsetsAndEpochs() {
        open(smallSegments());
        MemoryRecords replicated = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 10L, Compression.NONE,
                TimestampType.CREATE_TIME, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, 4, false, new SimpleRecord(T0, "a".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(T0, "b".getBytes(StandardCharsets.UTF_8)));
        log.truncateFullyAndStartAt(10);
        LogAppendInfo info = log.appendAsFollower(replicated);
        assertThat(info.firstOffset()).isEqualTo(10);
        assertThat(info.lastOffset()).isEqualTo(11);
        assertThat(log.leaderEpochs().latestEpoch()).contains(4);
        MemoryRecords stale = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 5L, Compression.NONE,
                TimestampType.CREATE_TIME, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, 4, false, new SimpleRecord(T0, "c".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> log.appendAsFollower(stale)).isInstanceOf(InvalidRecordException.class);
    }
}
