package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Model-based properties: a log driven by random appends, rolls, deleteRecords, retention, truncation, clean
 * and crash reopens and compaction agrees with a sorted map of offset → record after every step, for full
 * scans, reads from arbitrary offsets (offset index) and timestamp lookups (time index).
 */
class LogModelPropertiesTest {
    static final long T0 = 1_700_000_000_000L;
    static final TopicPartition TP = new TopicPartition("model", 0);

    /** A record as the model keeps it, with the offsets of the batch it was written in. */
    record Rec(long offset, long batchBase, long batchLast, long timestamp, String key, String value) {}

    sealed interface Action permits Append, DeleteRecords, Truncate, Retention, Reopen, Crash, Compact {}

    record Append(List<Integer> keys, List<Integer> tsDeltas, int valueBytes) implements Action {}

    record DeleteRecords(double fraction) implements Action {}

    record Truncate(double fraction) implements Action {}

    record Retention(int retentionBytes) implements Action {}

    record Reopen() implements Action {}

    record Crash() implements Action {}

    record Compact() implements Action {}

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> append = Combinators.combine(
                Arbitraries.integers().between(0, 7).list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.integers().between(0, 1000).list().ofSize(5),
                Arbitraries.integers().between(0, 80)).as(Append::new);
        Arbitrary<Action> other = Arbitraries.oneOf(
                Arbitraries.doubles().between(0, 1).map(DeleteRecords::new),
                Arbitraries.doubles().between(0, 1).map(Truncate::new),
                Arbitraries.integers().between(500, 4000).map(Retention::new),
                Arbitraries.just(new Reopen()), Arbitraries.just(new Crash()), Arbitraries.just(new Compact()));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, append), net.jqwik.api.Tuple.of(2, other)).list().ofMinSize(5).ofMaxSize(40);
    }

    @Property(tries = 15)
    void deleteLogAgreesWithModel(@ForAll("actions") List<Action> actions) throws IOException {
        run(actions, false);
    }

    @Property(tries = 15)
    void compactedLogAgreesWithModel(@ForAll("actions") List<Action> actions) throws IOException {
        run(actions, true);
    }

    private void run(List<Action> actions, boolean compacted) throws IOException {
        Path dir = Files.createTempDirectory("kelpie-model");
        Harness h = new Harness(dir, compacted);
        try {
            for (Action a : actions) {
                h.apply(a);
                h.check();
            }
        } finally {
            h.log.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The log under test and its model. */
    static final class Harness {
        final Path dir;
        final boolean compacted;
        final ManualClock clock = new ManualClock(T0);
        final NavigableMap<Long, Rec> model = new TreeMap<>();
        LogConfig config;
        SegmentedLog log;
        long lso;
        long leo;
        int appended;

        Harness(Path dir, boolean compacted) {
            this.dir = dir;
            this.compacted = compacted;
            this.config = config(-1);
            this.log = SegmentedLog.open(dir, TP, config, clock);
        }

        LogConfig config(long retentionBytes) {
            return LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "1024",
                    LogConfig.INDEX_INTERVAL_BYTES, "150", LogConfig.FILE_DELETE_DELAY_MS, "0",
                    LogConfig.SEGMENT_INDEX_BYTES, "4096", LogConfig.RETENTION_BYTES, Long.toString(retentionBytes),
                    LogConfig.CLEANUP_POLICY, compacted ? "compact,delete" : "delete"));
        }

        void apply(Action action) {
            if (action instanceof Append a) {
                append(a);
            } else if (action instanceof DeleteRecords d) {
                deleteRecords(d);
            } else if (action instanceof Truncate t) {
                truncate(t);
            } else if (action instanceof Retention r) {
                retention(r);
            } else if (action instanceof Reopen) {
                log.close();
                log = SegmentedLog.open(dir, TP, config, clock);
            } else if (action instanceof Crash) {
                log.crashForTesting();
                log = SegmentedLog.open(dir, TP, config, clock);
            } else {
                compact();
            }
        }

        private void append(Append a) {
            List<SimpleRecord> recs = new ArrayList<>();
            List<Rec> pending = new ArrayList<>();
            for (int i = 0; i < a.keys().size(); i++) {
                long ts = T0 + a.tsDeltas().get(i);
                String key = "key-" + a.keys().get(i);
                String value = "v" + (appended++) + "-" + "x".repeat(a.valueBytes());
                recs.add(new SimpleRecord(ts, key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
                pending.add(new Rec(-1, -1, -1, ts, key, value));
            }
            LogAppendInfo info = log.appendAsLeader(
                    MemoryRecords.withRecords(Compression.NONE, recs.toArray(new SimpleRecord[0])), 1);
            assertThat(info.firstOffset()).isEqualTo(leo);
            for (int i = 0; i < pending.size(); i++) {
                Rec p = pending.get(i);
                model.put(leo + i, new Rec(leo + i, info.firstOffset(), info.lastOffset(), p.timestamp(), p.key(),
                        p.value()));
            }
            leo = info.lastOffset() + 1;
        }

        private void deleteRecords(DeleteRecords d) {
            long target = lso + (long) (d.fraction() * (leo - lso));
            assertThat(log.deleteRecordsBefore(target)).isEqualTo(Math.max(lso, target));
            lso = Math.max(lso, target);
            model.headMap(lso, false).clear();
        }

        private void truncate(Truncate t) {
            List<Long> ends = model.values().stream().map(r -> r.batchLast() + 1).distinct().toList();
            long target = ends.isEmpty() ? leo : ends.get((int) (t.fraction() * (ends.size() - 1)));
            if (t.fraction() < 0.05) {
                target = Math.max(0, lso - 1);
            }
            log.truncateTo(target);
            if (target < leo) {
                model.tailMap(target, true).clear();
                if (target <= lso) {
                    lso = target;
                }
                leo = target;
            }
        }

        private void retention(Retention r) {
            config = config(r.retentionBytes());
            log.updateConfig(config);
            log.enforceRetention();
            long newLso = log.logStartOffset();
            assertThat(newLso).isGreaterThanOrEqualTo(lso);
            lso = newLso;
            model.headMap(lso, false).clear();
            config = config(-1);
            log.updateConfig(config);
        }

        private void compact() {
            if (!compacted || log.segmentCount() < 2) {
                return;
            }
            long end = log.segmentBaseOffsets().get(log.segmentCount() - 1);
            LogCleaner cleaner = new LogCleaner(new LogCleaner.Settings(true, Long.MAX_VALUE, 1 << 20, 1000), clock,
                    new LogMetrics(), () -> List.of(log));
            cleaner.clean(log);
            Map<String, Long> latest = new HashMap<>();
            for (Rec r : model.headMap(end, false).values()) {
                latest.put(r.key(), r.offset());
            }
            model.headMap(end, false).values().removeIf(r -> latest.get(r.key()) != r.offset());
        }

        void check() {
            assertThat(log.isOnline()).isTrue();
            assertThat(log.logStartOffset()).isEqualTo(lso);
            assertThat(log.logEndOffset()).isEqualTo(leo);
            List<Rec> scanned = scan(lso);
            assertThat(scanned).isEqualTo(new ArrayList<>(model.values()));
            for (long o = lso; o < leo; o += Math.max(1, (leo - lso) / 7)) {
                Map.Entry<Long, Rec> expected = model.ceilingEntry(o);
                List<Rec> got = scan(o, 1);
                if (got.isEmpty() && expected != null) {
                    // compaction leaves empty batches (producer and segment ends): a reader steps over them
                    got = scan(o, Integer.MAX_VALUE);
                }
                if (expected == null) {
                    assertThat(got).isEmpty();
                } else {
                    assertThat(got).isNotEmpty();
                    assertThat(got.get(0)).isEqualTo(expected.getValue());
                }
            }
            for (long t = T0 - 1; t <= T0 + 1001; t += 97) {
                long ts = t;
                Long expected = model.values().stream().filter(r -> r.timestamp() >= ts).map(Rec::offset).findFirst()
                        .orElse(null);
                assertThat(log.offsetForTimestamp(ts).map(PartitionLog.TimestampAndOffset::offset).orElse(null))
                        .as("offset for timestamp %d", ts).isEqualTo(expected);
            }
        }

        private List<Rec> scan(long from) {
            return scan(from, Integer.MAX_VALUE);
        }

        /** Reads from {@code from} until the log end (or {@code maxReads} reads), records at or after it. */
        private List<Rec> scan(long from, int maxReads) {
            List<Rec> out = new ArrayList<>();
            long offset = from;
            for (int reads = 0; offset < leo && reads < maxReads; reads++) {
                FileSlice slice = log.read(offset, 300, Long.MAX_VALUE, true).records();
                MemoryRecords recs;
                try {
                    recs = TestRecords.bytesOf(slice);
                } finally {
                    slice.release();
                }
                long next = offset;
                for (RecordBatch b : recs.batches()) {
                    b.ensureValid();
                    for (org.apache.kafka.common.record.internal.Record r : b) {
                        if (r.offset() >= from) {
                            out.add(new Rec(r.offset(), b.baseOffset(), b.lastOffset(), r.timestamp(),
                                    TestRecords.str(r.key()), TestRecords.str(r.value())));
                        }
                    }
                    next = b.nextOffset();
                }
                if (next == offset) {
                    break;
                }
                offset = next;
            }
            return out;
        }
    }
}
