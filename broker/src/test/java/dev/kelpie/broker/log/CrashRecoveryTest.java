package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.common.Clock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 at random moments: a child JVM ({@link CrashAppender}) appends under {@code flush.policy=sync} and
 * reports each batch whose {@code awaitDurable} completed; the test SIGKILLs it, reopens the log (recovery)
 * and checks that every batch ever reported is present and intact, that every segment ends on a batch
 * boundary with offsets contiguous across segments, and that offset-index lookups (through
 * {@link SegmentedLog#read} and in the {@code .index} files) agree with a linear scan. Then the next child
 * continues on the same directory. The same runs under {@code flush.policy=interval}, where every roll leaves
 * its fsync, index trimming and checkpoint to the background pass, so kills land in the middle of those too;
 * there the recovery point found on disk must also never lie beyond the log that recovery finds.
 *
 * <p>The kill moments come from a seeded random (printed; rerun with {@code -Dkelpie.crash.seed=...}).
 */
class CrashRecoveryTest {
    private static final int ROUNDS = 20;
    private static final Pattern DURABLE = Pattern.compile("^durable (\\d+) (\\d+) (\\d+) end$");

    @TempDir
    Path logDir;

    /** A batch the child reported durable. */
    private record Reported(long baseOffset, long lastOffset, long crc) {}

    /** A batch found by the linear scan. */
    private record Scanned(long baseOffset, long lastOffset, long crc, long segmentBase, int position) {}

    private String flushPolicy = "sync";

    @Test
    void acknowledgedBatchesSurviveSigkill() throws Exception {
        crashRounds(ROUNDS);
    }

    @Test
    void flushedBatchesSurviveSigkillDuringBackgroundRollFlushes() throws Exception {
        flushPolicy = "interval";
        crashRounds(ROUNDS / 2);
    }

    private void crashRounds(int rounds) throws Exception {
        long seed = Long.getLong("kelpie.crash.seed", System.nanoTime());
        System.out.println("CrashRecoveryTest " + flushPolicy + " seed " + seed);
        Random random = new Random(seed);
        Map<Long, Reported> reported = new HashMap<>();
        int killsWhileAppending = 0;
        for (int round = 0; round < rounds; round++) {
            String context = flushPolicy + " seed " + seed + " round " + round;
            int target = killTarget(random);
            long startNs = System.nanoTime();
            List<String> lines = runAndKill(random.nextLong(), target, context);
            long killedNs = System.nanoTime();
            for (String line : lines) {
                Matcher m = DURABLE.matcher(line);
                if (m.matches()) {
                    Reported r = new Reported(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                            Long.parseLong(m.group(3)));
                    reported.put(r.baseOffset(), r);
                }
            }
            if (target > 0) {
                killsWhileAppending++;
            }
            int batches = verifyAfterRecovery(reported, context);
            System.out.printf("round %d: kill point %d, %d lines, %d batches in the log, child %d ms, verify %d ms%n",
                    round, target, lines.size(), batches, (killedNs - startNs) / 1_000_000,
                    (System.nanoTime() - killedNs) / 1_000_000);
        }
        assertThat(killsWhileAppending).as("kills while appending, seed %d", seed).isGreaterThanOrEqualTo(rounds / 2);
        assertThat(reported).as("batches reported durable over all rounds, seed %d", seed).hasSizeGreaterThan(100);
    }

    /** -1: kill while the log opens; 0: right after it opened; n: after n batches were reported durable. */
    private static int killTarget(Random random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return -1;
        }
        if (kind == 1) {
            return 0;
        }
        return 1 + random.nextInt(300);
    }

    private List<String> runAndKill(long childSeed, int target, String context) throws Exception {
        Path stderr = logDir.resolve("child.err");
        Process child = ChildJvm.builder(CrashAppender.class, List.of(logDir.toString(), Long.toString(childSeed),
                        flushPolicy))
                .redirectError(stderr.toFile()).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(child, lines), "crash-child-reader");
        reader.start();
        try {
            await(context + ": child reaches kill point " + target).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(2))
                    .until(() -> reachedTarget(lines, target) || !child.isAlive());
            assertThat(child.isAlive()).as("%s: child alive before the kill; stderr:%n%s", context,
                    Files.readString(stderr)).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(child.exitValue()).as("%s: killed by SIGKILL", context).isEqualTo(128 + 9);
        return lines;
    }

    private static boolean reachedTarget(List<String> lines, int target) {
        if (target < 0) {
            return !lines.isEmpty();
        }
        long durable = lines.stream().filter(l -> l.startsWith("durable ")).count();
        return durable >= target && lines.stream().anyMatch(l -> l.startsWith("ready"));
    }

    private static void readLines(Process child, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the pipe breaks when the child is killed: everything read so far stands
        }
    }

    // ---------------------------------------------------------------- verification

    /** Returns the number of batches in the log. */
    private int verifyAfterRecovery(Map<Long, Reported> reported, String context) throws IOException {
        TreeMap<Long, Scanned> scan;
        Path partitionDir = logDir.resolve(SegmentedLog.dirName(CrashAppender.TP));
        long recoveryPointOnDisk = Files.exists(partitionDir) ? PartitionCheckpoint.read(partitionDir).recoveryPoint()
                : 0;
        try (SegmentedLog log = SegmentedLog.open(logDir, CrashAppender.TP, CrashAppender.config(flushPolicy),
                Clock.SYSTEM)) {
            assertThat(log.isOnline()).as("%s: online after recovery (%s)", context, log.offlineReason()).isTrue();
            assertThat(recoveryPointOnDisk).as("%s: recovery point on disk within the recovered log", context)
                    .isLessThanOrEqualTo(log.logEndOffset());
            scan = linearScan(log.dir(), log.logStartOffset(), context);
            long scannedEnd = scan.isEmpty() ? log.logStartOffset() : scan.lastEntry().getValue().lastOffset() + 1;
            assertThat(log.logEndOffset()).as("%s: log end is the end of the last batch", context)
                    .isEqualTo(scannedEnd);
            for (Reported r : reported.values()) {
                Scanned s = scan.get(r.baseOffset());
                assertThat(s).as("%s: reported batch %s present", context, r).isNotNull();
                assertThat(new Reported(s.baseOffset(), s.lastOffset(), s.crc())).as(context).isEqualTo(r);
            }
            verifyLookups(log, scan, context);
        }
        verifyIndexFiles(scan, context);
        return scan.size();
    }

    /** Reads every segment file with kafka-clients' FileRecords; checks CRCs, contiguity and batch boundaries. */
    private TreeMap<Long, Scanned> linearScan(Path dir, long logStart, String context) throws IOException {
        TreeMap<Long, Scanned> scan = new TreeMap<>();
        long next = -1;
        for (Path file : segmentFiles(dir, ".log")) {
            long segmentBase = baseOffsetOf(file);
            FileRecords records = FileRecords.open(file.toFile(), false);
            try {
                int position = 0;
                for (FileChannelRecordBatch batch : records.batches()) {
                    assertThat(batch.isValid()).as("%s: CRC of batch %d in %s", context, batch.baseOffset(), file)
                            .isTrue();
                    if (next >= 0) {
                        assertThat(batch.baseOffset()).as("%s: contiguous offsets in %s", context, file)
                                .isEqualTo(next);
                    }
                    assertRecordOffsets(batch, context);
                    scan.put(batch.baseOffset(), new Scanned(batch.baseOffset(), batch.lastOffset(),
                            batch.checksum(), segmentBase, position));
                    position += batch.sizeInBytes();
                    next = batch.nextOffset();
                }
                assertThat((long) position).as("%s: %s ends on a batch boundary", context, file)
                        .isEqualTo(Files.size(file));
            } finally {
                records.channel().close(); // read-only: FileRecords.close() would fsync and trim
            }
        }
        if (!scan.isEmpty()) {
            assertThat(scan.firstKey()).as("%s: first batch at the log start", context).isLessThanOrEqualTo(logStart);
        }
        return scan;
    }

    private static void assertRecordOffsets(RecordBatch batch, String context) {
        long expected = batch.baseOffset();
        for (Record record : batch) {
            assertThat(record.offset()).as(context).isEqualTo(expected++);
        }
        assertThat(expected - 1).as("%s: last offset of batch %d", context, batch.baseOffset())
                .isEqualTo(batch.lastOffset());
    }

    /** Every batch found through the log's offset lookup, from its first, last and a middle offset. */
    private static void verifyLookups(SegmentedLog log, TreeMap<Long, Scanned> scan, String context) {
        for (Scanned s : scan.values()) {
            long mid = s.baseOffset() + (s.lastOffset() - s.baseOffset()) / 2;
            for (long offset : new long[] {s.baseOffset(), mid, s.lastOffset()}) {
                LogReadInfo info = log.read(offset, 1, Long.MAX_VALUE, true);
                FileSlice slice = info.records();
                try {
                    assertThat(slice.position()).as("%s: lookup of %d", context, offset).isEqualTo(s.position());
                    MemoryRecords bytes = TestRecords.bytesOf(slice);
                    RecordBatch first = bytes.batches().iterator().next();
                    assertThat(first.baseOffset()).as("%s: lookup of %d", context, offset).isEqualTo(s.baseOffset());
                    assertThat(first.checksum()).isEqualTo(s.crc());
                } finally {
                    slice.release();
                }
            }
        }
    }

    /** Kafka's index rule, checked on the closed files: each entry names a batch start and that batch's last offset. */
    private void verifyIndexFiles(TreeMap<Long, Scanned> scan, String context) throws IOException {
        Map<Long, Map<Integer, Scanned>> byPosition = new HashMap<>();
        for (Scanned s : scan.values()) {
            byPosition.computeIfAbsent(s.segmentBase(), b -> new HashMap<>()).put(s.position(), s);
        }
        int checked = 0;
        for (Path index : segmentFiles(logDir.resolve(SegmentedLog.dirName(CrashAppender.TP)), ".index")) {
            long base = baseOffsetOf(index);
            ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(index));
            for (int i = 0; i + 8 <= entries.limit(); i += 8) {
                long offset = base + entries.getInt(i);
                int position = entries.getInt(i + 4);
                if (i > 0 && position == 0) {
                    break; // unused preallocated tail
                }
                Scanned s = byPosition.getOrDefault(base, Map.of()).get(position);
                assertThat(s).as("%s: %s entry %d points at a batch start (position %d)", context, index.getFileName(),
                        i / 8, position).isNotNull();
                assertThat(s.lastOffset()).as("%s: %s entry %d", context, index.getFileName(), i / 8)
                        .isEqualTo(offset);
                checked++;
            }
        }
        if (scan.size() > 50) {
            assertThat(checked).as("%s: index entries checked", context).isPositive();
        }
    }

    private static List<Path> segmentFiles(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{20}\\" + suffix)).sorted().toList();
        }
    }

    private static long baseOffsetOf(Path file) {
        return Long.parseLong(file.getFileName().toString().substring(0, 20));
    }
}
