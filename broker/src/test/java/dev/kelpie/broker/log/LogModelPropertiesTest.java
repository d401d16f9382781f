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
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Model-based properties: a log driven by random appends, rolls, deleteRecords, retention, truncation, clean
 * and crash reopens and compaction agrees with a sorted map of offset → record after every step, for full
 * scans, reads from arbitrary offsets (offset index) and timestamp lookups (time index). Cases come from a
 * seeded {@link Random} (decision 0001): the seed is in each case's name.
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

    /** The base seed; {@code -Dkelpie.model.seed=N} replays one failing case exactly. */
    private static final long SEED = Long.getLong("kelpie.model.seed", 0x6B656C706965L);
    private static final int TRIES = 15;

    static List<Action> actions(Random random) {
        int count = 5 + random.nextInt(36);
        List<Action> actions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            actions.add(random.nextInt(10) < 8 ? append(random) : other(random));
        }
        return actions;
    }

    private static Action append(Random random) {
        List<Integer> keys = new ArrayList<>();
        int keyCount = 1 + random.nextInt(5);
        for (int i = 0; i < keyCount; i++) {
            keys.add(random.nextInt(8));
        }
        List<Integer> tsDeltas = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tsDeltas.add(random.nextInt(1001));
        }
        return new Append(keys, tsDeltas, random.nextInt(81));
    }

    private static Action other(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new DeleteRecords(random.nextDouble());
            case 1 -> new Truncate(random.nextDouble());
            case 2 -> new Retention(500 + random.nextInt(3501));
            case 3 -> new Reopen();
            case 4 -> new Crash();
            default -> new Compact();
        };
    }

    static Stream<Long> seeds() {
        return LongStream.range(0, TRIES).mapToObj(i -> SEED + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void deleteLogAgreesWithModel(long seed) throws IOException {
        run(actions(new Random(seed)), false);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void compactedLogAgreesWithModel(long seed) throws IOException {
        run(actions(new Random(seed)), true);
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
