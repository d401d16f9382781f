package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.log.ProducerStateManager.DuplicateBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateManagerTest {

    private static final long PID = 5000L;
    private static final long EXPIRATION_MS = 60_000L;
    /** Position of baseSequence in a magic-v2 batch header (KIP-98 layout). */
    private static final int BASE_SEQUENCE_POSITION = 53;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_000_000L);
    private ProducerStateManager psm;
    /** The offset the simulated log gives the next record. */
    private long logEnd;

    @BeforeEach
    void setUp() {
        psm = new ProducerStateManager(dir, EXPIRATION_MS, clock);
    }

    @Test
    void protocolReferenceTable() {
        assertThat(append(PID, 0, 0, 5)).isEqualTo(new Appended(0, false));
        assertThat(append(PID, 0, 0, 5)).isEqualTo(new Appended(0, true));
        assertThatThrownBy(() -> append(PID, 0, 10, 5)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(append(PID, 0, 5, 5)).isEqualTo(new Appended(5, false));
        assertThat(append(PID, 1, 0, 5)).isEqualTo(new Appended(10, false));
        assertThatThrownBy(() -> append(PID, 0, 10, 5)).isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> append(PID, 0, 0, 5)).isInstanceOf(InvalidProducerEpochException.class);
        assertThat(logEnd).isEqualTo(15);
    }

    @Test
    void duplicateAnswersOriginalOffsetsAndAppendTime() {
        append(PID, 0, 0, 3);
        RecordBatch first = appendedBatch(PID, 0, 3, 4, 777L);
        Optional<DuplicateBatch> dup = psm.validate(unassigned(PID, (short) 0, 3, 4));
        assertThat(dup).contains(new DuplicateBatch(first.baseOffset(), first.lastOffset(), 777L));
        assertThat(dup.get().firstOffset()).isEqualTo(3);
        assertThat(dup.get().lastOffset()).isEqualTo(6);
    }

    @Test
    void onlyTheLastFiveBatchesAreRetained() {
        for (int i = 0; i < 6; i++) {
            append(PID, 0, i * 2, 2);
        }
        assertThatThrownBy(() -> psm.validate(unassigned(PID, (short) 0, 0, 2)))
                .isInstanceOf(OutOfOrderSequenceException.class);
        for (int i = 1; i < 6; i++) {
            assertThat(psm.validate(unassigned(PID, (short) 0, i * 2, 2)))
                    .contains(new DuplicateBatch(i * 2L, i * 2L + 1, -1));
        }
    }

    @Test
    void overlappingButNotEqualRangeIsOutOfOrder() {
        append(PID, 0, 0, 5);
        append(PID, 0, 5, 5);
        assertThatThrownBy(() -> psm.validate(unassigned(PID, (short) 0, 5, 3)))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> psm.validate(unassigned(PID, (short) 0, 3, 2)))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> psm.validate(unassigned(PID, (short) 0, 9, 1)))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void newEpochMustStartAtZero() {
        append(PID, 0, 0, 5);
        assertThatThrownBy(() -> append(PID, 1, 5, 1)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> append(PID, 1, 1, 1)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(append(PID, 1, 0, 1)).isEqualTo(new Appended(5, false));
        // the old epoch's batches are gone: retrying one of them is fenced, not a duplicate
        assertThatThrownBy(() -> psm.validate(unassigned(PID, (short) 0, 0, 5)))
                .isInstanceOf(InvalidProducerEpochException.class);
    }

    @Test
    void sequenceWrapsAtIntegerMax() {
        int start = Integer.MAX_VALUE - 2;
        append(PID, 0, start, 3); // last sequence MAX_VALUE
        assertThat(psm.entry(PID).orElseThrow().lastSeq()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> psm.validate(unassigned(PID, (short) 0, 1, 1)))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(append(PID, 0, 0, 2)).isEqualTo(new Appended(3, false));
        // a batch that itself spans the wrap: MAX-1, MAX, 0
        long pid2 = PID + 1;
        append(pid2, 0, Integer.MAX_VALUE - 1, 3);
        assertThat(psm.entry(pid2).orElseThrow().lastSeq()).isEqualTo(0);
        assertThat(append(pid2, 0, 1, 1).duplicate()).isFalse();
        assertThat(psm.validate(unassigned(pid2, (short) 0, Integer.MAX_VALUE - 1, 3))).isPresent();
    }

    @Test
    void unknownProducerAcceptsAnySequenceThenContinuesFromIt() {
        assertThat(append(PID, 3, 42, 4)).isEqualTo(new Appended(0, false));
        assertThatThrownBy(() -> append(PID, 3, 47, 1)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(append(PID, 3, 46, 1)).isEqualTo(new Appended(4, false));
    }

    @Test
    void producersAreIndependent() {
        append(PID, 0, 0, 2);
        append(PID + 1, 7, 100, 2);
        assertThat(append(PID, 0, 2, 1)).isEqualTo(new Appended(4, false));
        assertThat(append(PID + 1, 7, 102, 1)).isEqualTo(new Appended(5, false));
        assertThat(psm.producerCount()).isEqualTo(2);
    }

    @Test
    void nonIdempotentBatchesAreNotTracked() {
        MemoryRecords plain = MemoryRecords.withRecords(Compression.NONE, record("a"), record("b"));
        RecordBatch batch = plain.batches().iterator().next();
        assertThat(psm.validate(batch)).isEmpty();
        psm.update(batch, -1);
        assertThat(psm.producerCount()).isZero();
    }

    @Test
    void idempotentBatchWithoutSequenceIsInvalid() {
        MemoryRecords mr = MemoryRecords.withIdempotentRecords(Compression.NONE, PID, (short) 0, 0, record("a"));
        // kafka-clients refuses to build such a batch, so a raw client's bytes are imitated here
        mr.buffer().putInt(BASE_SEQUENCE_POSITION, RecordBatch.NO_SEQUENCE);
        RecordBatch batch = mr.batches().iterator().next();
        assertThat(batch.hasProducerId()).isTrue();
        assertThat(batch.baseSequence()).isEqualTo(RecordBatch.NO_SEQUENCE);
        assertThatThrownBy(() -> psm.validate(batch)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void clearForgetsEverything() {
        append(PID, 4, 0, 5);
        psm.clear();
        assertThat(psm.producerCount()).isZero();
        assertThat(append(PID, 2, 99, 1).duplicate()).isFalse();
    }

    @Test
    void updateAdoptsTheLogsEpochAndIgnoresReplayedBatches() {
        append(PID, 3, 0, 2);
        // a follower/replay may carry a lower epoch: the log is the truth
        RecordBatch lower = assigned(PID, (short) 1, 0, 1, logEnd);
        psm.update(lower, -1);
        logEnd++;
        assertThat(psm.entry(PID).orElseThrow().epoch()).isEqualTo((short) 1);
        // replaying an already recorded batch changes nothing
        psm.update(lower, -1);
        assertThat(psm.entry(PID).orElseThrow().batches()).hasSize(1);
        assertThat(append(PID, 1, 1, 1)).isEqualTo(new Appended(3, false));
    }

    @Test
    void snapshotRoundTrip() throws IOException {
        append(PID, 0, 0, 5);
        append(PID, 0, 5, 5);
        appendedBatch(PID + 1, 2, 0, 3, 1234L);
        psm.takeSnapshot(logEnd);

        assertThat(Files.exists(dir.resolve(String.format("%020d.snapshot", logEnd)))).isTrue();
        assertThat(tempFiles()).isZero();

        ProducerStateManager reloaded = new ProducerStateManager(dir, EXPIRATION_MS, clock);
        assertThat(reloaded.loadSnapshot(Long.MAX_VALUE)).isEqualTo(13);
        assertThat(reloaded.producerCount()).isEqualTo(2);
        assertThat(reloaded.validate(unassigned(PID, (short) 0, 0, 5))).contains(new DuplicateBatch(0, 4, -1));
        assertThat(reloaded.validate(unassigned(PID, (short) 0, 5, 5))).contains(new DuplicateBatch(5, 9, -1));
        assertThat(reloaded.validate(unassigned(PID + 1, (short) 2, 0, 3)))
                .contains(new DuplicateBatch(10, 12, 1234L));
        assertThatThrownBy(() -> reloaded.validate(unassigned(PID, (short) 0, 11, 1)))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(reloaded.validate(unassigned(PID, (short) 0, 10, 1))).isEmpty();
        assertThat(reloaded.entry(PID).orElseThrow().lastActivityMs())
                .isEqualTo(psm.entry(PID).orElseThrow().lastActivityMs());
    }

    @Test
    void emptyStateSnapshotRoundTrips() {
        psm.takeSnapshot(0);
        ProducerStateManager reloaded = new ProducerStateManager(dir, EXPIRATION_MS, clock);
        assertThat(reloaded.loadSnapshot(0)).isZero();
        assertThat(reloaded.producerCount()).isZero();
    }

    @Test
    void loadDeletesSnapshotsAboveMaxOffsetAndUsesTheNewestBelow() throws IOException {
        append(PID, 0, 0, 2);
        psm.takeSnapshot(logEnd); // 2
        append(PID, 0, 2, 2);
        psm.takeSnapshot(logEnd); // 4
        append(PID, 0, 4, 2);
        psm.takeSnapshot(logEnd); // 6

        assertThat(psm.loadSnapshot(5)).isEqualTo(4);
        assertThat(psm.snapshotOffsets()).containsExactly(2L, 4L);
        // state is that of offset 4: seq 4 is the next one, not a duplicate
        assertThat(psm.validate(unassigned(PID, (short) 0, 4, 2))).isEmpty();
        assertThat(psm.validate(unassigned(PID, (short) 0, 2, 2))).contains(new DuplicateBatch(2, 3, -1));

        assertThat(psm.loadSnapshot(1)).isEqualTo(-1);
        assertThat(psm.snapshotOffsets()).isEmpty();
        assertThat(psm.producerCount()).isZero();
    }

    @Test
    void onlyTheNewestSnapshotsAreKept() throws IOException {
        for (int i = 0; i < 6; i++) {
            append(PID, 0, i, 1);
            psm.takeSnapshot(logEnd);
        }
        assertThat(psm.snapshotOffsets()).containsExactly(4L, 5L, 6L);
        assertThat(ProducerStateManager.SNAPSHOTS_RETAINED).isEqualTo(3);
    }

    @Test
    void corruptSnapshotFallsBackToAnOlderOne() throws IOException {
        append(PID, 0, 0, 2);
        psm.takeSnapshot(logEnd); // 2
        append(PID, 0, 2, 2);
        psm.takeSnapshot(logEnd); // 4
        Path newest = dir.resolve(String.format("%020d.snapshot", 4));
        flipByte(newest, (int) Files.size(newest) - 5);

        ProducerStateManager reloaded = new ProducerStateManager(dir, EXPIRATION_MS, clock);
        assertThat(reloaded.loadSnapshot(Long.MAX_VALUE)).isEqualTo(2);
        assertThat(Files.exists(newest)).isFalse();
        assertThat(reloaded.validate(unassigned(PID, (short) 0, 2, 2))).isEmpty();
        assertThat(reloaded.validate(unassigned(PID, (short) 0, 0, 2))).contains(new DuplicateBatch(0, 1, -1));
    }

    @Test
    void everyKindOfDamageIsDetected() throws IOException {
        append(PID, 0, 0, 2);
        append(PID + 1, 0, 0, 2);
        psm.takeSnapshot(logEnd);
        Path file = dir.resolve(String.format("%020d.snapshot", logEnd));
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Files.write(file, bad);
            assertThat(new ProducerStateManager(dir, EXPIRATION_MS, clock).loadSnapshot(Long.MAX_VALUE))
                    .as("flipped byte %d", i).isEqualTo(-1);
        }
        for (int len : new int[] {0, 5, 17, good.length - 1}) {
            Files.write(file, java.util.Arrays.copyOf(good, len));
            assertThat(new ProducerStateManager(dir, EXPIRATION_MS, clock).loadSnapshot(Long.MAX_VALUE))
                    .as("truncated to %d", len).isEqualTo(-1);
        }
        Files.write(file, java.util.Arrays.copyOf(good, good.length + 1));
        assertThat(new ProducerStateManager(dir, EXPIRATION_MS, clock).loadSnapshot(Long.MAX_VALUE)).isEqualTo(-1);
        // a good file renamed to another offset is not trusted either
        Files.write(dir.resolve(String.format("%020d.snapshot", 99)), good);
        assertThat(new ProducerStateManager(dir, EXPIRATION_MS, clock).loadSnapshot(Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void leftoverTempFileAndForeignFilesAreIgnored() throws IOException {
        append(PID, 0, 0, 2);
        psm.takeSnapshot(logEnd);
        Path tmp = dir.resolve(String.format("%020d.snapshot.tmp", 50));
        Files.write(tmp, "half-written".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("notes.snapshot"), new byte[] {1, 2, 3});
        ProducerStateManager reloaded = new ProducerStateManager(dir, EXPIRATION_MS, clock);
        assertThat(reloaded.loadSnapshot(Long.MAX_VALUE)).isEqualTo(2);
        assertThat(Files.exists(tmp)).isFalse();
        assertThat(Files.exists(dir.resolve("notes.snapshot"))).isTrue();
    }

    @Test
    void missingDirectoryLoadsNothingAndSnapshotFailsAsStorageError() {
        ProducerStateManager gone = new ProducerStateManager(dir.resolve("absent"), EXPIRATION_MS, clock);
        assertThat(gone.loadSnapshot(Long.MAX_VALUE)).isEqualTo(-1);
        assertThatThrownBy(() -> gone.takeSnapshot(0)).isInstanceOf(KafkaStorageException.class);
    }

    @Test
    void producersExpireByTheInjectedClock() {
        appendedBatch(PID, 0, 0, 1, clock.wallMs());
        clock.advanceMs(EXPIRATION_MS / 2);
        appendedBatch(PID + 1, 0, 0, 1, clock.wallMs());
        clock.advanceMs(EXPIRATION_MS / 2 - 1);
        psm.removeExpired();
        assertThat(psm.producerCount()).isEqualTo(2);

        clock.advanceMs(1);
        psm.removeExpired();
        assertThat(psm.entry(PID)).isEmpty();
        assertThat(psm.entry(PID + 1)).isPresent();
        // with no state left any sequence is accepted
        assertThat(psm.validate(unassigned(PID, (short) 0, 77, 1))).isEmpty();
    }

    @Test
    void createTimeBatchesCountAsActivityByTheirTimestamp() {
        long ts = clock.wallMs() - EXPIRATION_MS + 10;
        RecordBatch batch = assignedWithTimestamp(PID, ts);
        psm.update(batch, -1);
        psm.removeExpired();
        assertThat(psm.producerCount()).isEqualTo(1);
        clock.advanceMs(10);
        psm.removeExpired();
        assertThat(psm.producerCount()).isZero();
    }

    @Test
    void expiredProducersAreNotLoadedFromASnapshot() {
        appendedBatch(PID, 0, 0, 1, clock.wallMs());
        psm.takeSnapshot(logEnd);
        clock.advanceMs(EXPIRATION_MS);
        ProducerStateManager reloaded = new ProducerStateManager(dir, EXPIRATION_MS, clock);
        assertThat(reloaded.loadSnapshot(Long.MAX_VALUE)).isEqualTo(1);
        assertThat(reloaded.producerCount()).isZero();
    }

    @Test
    void compressedBatchesAreTrackedTheSameWay() {
        RecordBatch batch = MemoryRecords.withIdempotentRecords(Compression.zstd().build(), PID, (short) 0, 0,
                record("a"), record("b"), record("c")).batches().iterator().next();
        assertThat(psm.validate(batch)).isEmpty();
        psm.update(batch, -1);
        assertThat(psm.validate(batch)).contains(new DuplicateBatch(0, 2, -1));
    }

    // ---- helpers: a minimal in-memory "log" that assigns offsets ----

    private record Appended(long baseOffset, boolean duplicate) {}

    private Appended append(long pid, int epoch, int baseSeq, int count) {
        RecordBatch batch = unassigned(pid, (short) epoch, baseSeq, count);
        Optional<DuplicateBatch> dup = psm.validate(batch);
        if (dup.isPresent()) {
            return new Appended(dup.get().firstOffset(), true);
        }
        long base = appendedBatch(pid, epoch, baseSeq, count, -1).baseOffset();
        return new Appended(base, false);
    }

    /** Writes the batch at the log end (no validation) and records it. */
    private RecordBatch appendedBatch(long pid, int epoch, int baseSeq, int count, long appendTimeMs) {
        RecordBatch batch = assigned(pid, (short) epoch, baseSeq, count, logEnd);
        psm.update(batch, appendTimeMs);
        logEnd += count;
        return batch;
    }

    private static RecordBatch unassigned(long pid, short epoch, int baseSeq, int count) {
        return assigned(pid, epoch, baseSeq, count, 0);
    }

    private static RecordBatch assigned(long pid, short epoch, int baseSeq, int count, long baseOffset) {
        SimpleRecord[] records = Stream.generate(() -> record("v")).limit(count).toArray(SimpleRecord[]::new);
        MemoryRecords mr = MemoryRecords.withIdempotentRecords(Compression.NONE, pid, epoch, baseSeq, records);
        MutableRecordBatch batch = mr.batches().iterator().next();
        batch.setLastOffset(baseOffset + count - 1);
        return batch;
    }

    private RecordBatch assignedWithTimestamp(long pid, long timestampMs) {
        MemoryRecords mr = MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 0, 0,
                new SimpleRecord(timestampMs, null, "v".getBytes(StandardCharsets.UTF_8)));
        MutableRecordBatch batch = mr.batches().iterator().next();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        batch.setLastOffset(logEnd);
        logEnd++;
        return batch;
    }

    private static SimpleRecord record(String value) {
        return new SimpleRecord(1_000_000L, "k".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private long tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    private static void flipByte(Path file, int position) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[position] ^= 0x01;
        Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
