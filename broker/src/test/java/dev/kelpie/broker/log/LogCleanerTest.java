package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
    static final long T0 = 1_700_000_000_000L;
    static final TopicPartition TP = new TopicPartition("__consumer_offsets", 0);

    @TempDir
    Path logDir;
    final ManualClock clock = new ManualClock(T0);
    SegmentedLog log;
    final LogMetrics metrics = new LogMetrics();

    static LogConfig compacted(String... overrides) {
        Map<String, String> m = new HashMap<>(Map.of(LogConfig.SEGMENT_BYTES, "2048",
                LogConfig.INDEX_INTERVAL_BYTES, "128", LogConfig.FILE_DELETE_DELAY_MS, "0",
                LogConfig.CLEANUP_POLICY, "compact", LogConfig.DELETE_RETENTION_MS, "1000"));
        for (int i = 0; i < overrides.length; i += 2) {
            m.put(overrides[i], overrides[i + 1]);
        }
        return LogConfig.defaults().withOverrides(m);
    }

    LogCleaner cleaner() {
        return new LogCleaner(new LogCleaner.Settings(true, Long.MAX_VALUE, 1 << 20, 1000), clock, metrics,
                () -> List.of(log));
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    List<TestRecords.Rec> readAll() {
        List<TestRecords.Rec> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            MemoryRecords recs = TestRecords.bytesOf(log.read(offset, 1 << 20, Long.MAX_VALUE, true).records());
            long next = offset;
            for (RecordBatch b : recs.batches()) {
                next = b.nextOffset();
            }
            out.addAll(TestRecords.decode(recs));
            offset = next;
        }
        return out;
    }

    @Test
    void keepsOnlyTheLatestRecordPerKeyInTheCleanedRange() {
        log = SegmentedLog.open(logDir, TP, compacted(), clock);
        Random random = new Random(42);
        Map<String, String> latest = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String key = "k" + random.nextInt(12);
            String value = "v" + i;
            log.appendAsLeader(TestRecords.keyed(T0, key, value), 0);
        }
        long end = log.segmentBaseOffsets().get(log.segmentCount() - 1);
        List<TestRecords.Rec> before = readAll();
        for (TestRecords.Rec r : before) {
            if (r.offset() < end) {
                latest.put(r.key(), r.value());
            }
        }
        int segmentsBefore = log.segmentCount();

        assertThat(cleaner().clean(log)).isTrue();

        List<TestRecords.Rec> after = readAll();
        Map<String, String> cleanedRange = new LinkedHashMap<>();
        for (TestRecords.Rec r : after) {
            if (r.offset() < end) {
                assertThat(cleanedRange.put(r.key(), r.value())).as("duplicate key %s", r.key()).isNull();
            }
        }
        assertThat(cleanedRange).isEqualTo(latest);
        assertThat(after.stream().filter(r -> r.offset() >= end).toList())
                .isEqualTo(before.stream().filter(r -> r.offset() >= end).toList());
        assertThat(log.segmentCount()).isEqualTo(segmentsBefore);
        assertThat(log.logEndOffset()).isEqualTo(300);
        assertThat(metrics.cleanerBytesRead()).isGreaterThan(metrics.cleanerBytesWritten());

        log.close();
        log = SegmentedLog.open(logDir, TP, compacted(), clock);
        assertThat(readAll()).isEqualTo(after);
        assertThat(cleaner().clean(log)).as("nothing dirty after a full pass").isFalse();

        fillUntilRoll("next");
        long oldRange = log.segmentBaseOffsets().stream().filter(b -> b < end).count();
        assertThat(cleaner().clean(log)).isTrue();
        assertThat(log.segmentBaseOffsets().stream().filter(b -> b < end).count())
                .as("shrunken segments are merged").isLessThan(oldRange);
        assertThat(log.segmentBaseOffsets().get(0)).isZero();
    }

    @Test
    void tombstonesSurviveDeleteRetentionThenGo() {
        log = SegmentedLog.open(logDir, TP, compacted(), clock);
        log.appendAsLeader(TestRecords.keyed(T0, "gone", "v1"), 0);
        log.appendAsLeader(TestRecords.keyed(T0, "gone", null), 0);
        fillUntilRoll("filler-a");
        assertThat(cleaner().clean(log)).isTrue();
        assertThat(readAll()).filteredOn(r -> "gone".equals(r.key()))
                .singleElement().extracting(TestRecords.Rec::value).isNull();

        clock.advanceMs(2_000);
        fillUntilRoll("filler-b");
        assertThat(cleaner().clean(log)).isTrue();
        assertThat(readAll()).noneMatch(r -> "gone".equals(r.key()));
    }

    private void fillUntilRoll(String prefix) {
        int segments = log.segmentCount();
        for (int i = 0; log.segmentCount() == segments; i++) {
            log.appendAsLeader(TestRecords.keyed(clock.wallMs(), prefix + (i % 3), "x".repeat(50)), 0);
        }
    }

    @Test
    void producerBatchHeadersSurviveAsEmptyBatches() {
        log = SegmentedLog.open(logDir, TP, compacted(), clock);
        long pid = 77;
        for (int seq = 0; seq < 3; seq++) {
            log.appendAsLeader(MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 2, seq,
                    new SimpleRecord(T0, "k".getBytes(StandardCharsets.UTF_8),
                            ("p" + seq).getBytes(StandardCharsets.UTF_8))), 0);
        }
        fillUntilRoll("other");
        log.appendAsLeader(TestRecords.keyed(T0, "k", "overwritten"), 0);
        fillUntilRoll("more");

        assertThat(cleaner().clean(log)).isTrue();

        List<RecordBatch> producerBatches = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            MemoryRecords recs = TestRecords.bytesOf(log.read(offset, 1 << 20, Long.MAX_VALUE, true).records());
            for (RecordBatch b : recs.batches()) {
                if (b.producerId() == pid) {
                    producerBatches.add(b);
                }
                offset = b.nextOffset();
            }
        }
        assertThat(producerBatches).singleElement().satisfies(b -> {
            assertThat(b.baseSequence()).isEqualTo(2);
            assertThat(b.producerEpoch()).isEqualTo((short) 2);
            assertThat(b.baseOffset()).isEqualTo(2);
            assertThat(b.lastOffset()).isEqualTo(2);
            assertThat(b.countOrNull()).isZero();
        });
        assertThat(readAll()).filteredOn(r -> "k".equals(r.key())).extracting(TestRecords.Rec::value)
                .containsExactly("overwritten");
    }

    @Test
    void readersKeepTheSegmentsTheyHoldWhileCleaningSwaps() {
        log = SegmentedLog.open(logDir, TP, compacted(), clock);
        for (int i = 0; i < 200; i++) {
            log.appendAsLeader(TestRecords.keyed(T0, "same", "v" + i), 0);
        }
        LogReadInfo held = log.read(0, 1 << 20, Long.MAX_VALUE, true);
        int heldBytes = held.records().sizeInBytes();
        assertThat(cleaner().clean(log)).isTrue();
        List<TestRecords.Rec> old = TestRecords.decode(held);
        assertThat(old).isNotEmpty().allMatch(r -> r.value().startsWith("v"));
        assertThat(old.get(0).offset()).isZero();
        assertThat(heldBytes).isPositive();
        assertThat(readAll()).filteredOn(r -> r.offset() < 100).hasSizeLessThan(2);
    }

    @Test
    void dirtiestRespectsMinCleanableRatio() {
        log = SegmentedLog.open(logDir, TP, compacted(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.99"), clock);
        for (int i = 0; i < 100; i++) {
            log.appendAsLeader(TestRecords.keyed(T0, "k" + (i % 5), "v" + i), 0);
        }
        LogCleaner cleaner = cleaner();
        assertThat(cleaner.clean(log)).isTrue();
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.keyed(T0, "k" + (i % 5), "w" + i), 0);
        }
        assertThat(cleaner.dirtiest()).isEmpty();
        log.updateConfig(compacted(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.01"));
        assertThat(cleaner.dirtiest()).contains(log);
        assertThat(cleaner.cleanDirtiest()).isTrue();
    }
}
