package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.log.ProducerSnapshotFile.CorruptSnapshotException;
import dev.kelpie.broker.log.ProducerStateEntry.BatchMetadata;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent-producer state of one partition: per producer id the epoch, the last sequence and the
 * last five batches' sequence ranges with their offsets (the client keeps at most five in flight).
 *
 * <p>Rules (Kafka's {@code ProducerAppendInfo.checkSequence}): a lower epoch is fenced
 * (INVALID_PRODUCER_EPOCH); a new epoch starts at sequence 0; within an epoch the next batch starts at
 * last sequence + 1 (wrapping at Integer.MAX_VALUE); a batch whose range equals one of the five retained
 * is a retry and answers with its original offsets; anything else is OUT_OF_ORDER_SEQUENCE_NUMBER. A
 * producer with no state left accepts any sequence.
 *
 * <p>Durability: {@link #takeSnapshot} writes {@code <20-digit offset>.snapshot} atomically; on open the
 * log loads the newest snapshot at or below its end and replays batch headers from there through
 * {@link #update}. The file format is specified in {@link ProducerSnapshotFile}. Only the newest
 * {@value #SNAPSHOTS_RETAINED} snapshot files are kept; a corrupt one is logged, deleted, and the next
 * older one is used instead.
 *
 * <p>Expiration: a producer is last seen at the later of its newest batch's append time and max
 * timestamp; {@link #removeExpired} drops producers not seen for {@code producerIdExpirationMs} by the
 * injected clock's wall time.
 *
 * <p>Errors: sequence and epoch violations are Kafka ApiExceptions; an I/O error on snapshot files is a
 * {@link KafkaStorageException}.
 *
 * <p>Thread-safety: owned by the partition's thread; not thread-safe.
 */
public final class ProducerStateManager {

    /** Offsets and time a retried batch was first appended with. */
    public record DuplicateBatch(long firstOffset, long lastOffset, long appendTimeMs) {}

    /** Snapshot files kept on disk; older ones are deleted after each new snapshot. */
    static final int SNAPSHOTS_RETAINED = 3;

    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);

    private final Path partitionDir;
    private final long producerIdExpirationMs;
    private final Clock clock;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();

    public ProducerStateManager(Path partitionDir, long producerIdExpirationMs, Clock clock) {
        if (producerIdExpirationMs <= 0) {
            throw new IllegalArgumentException("producerIdExpirationMs must be positive: " + producerIdExpirationMs);
        }
        this.partitionDir = partitionDir;
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.clock = clock;
    }

    /**
     * Checks a producer batch before a leader append. Returns the original offsets when it is a retry of a
     * retained batch. A batch without a producer id is not checked.
     *
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException on a sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException on a stale epoch
     */
    public Optional<DuplicateBatch> validate(RecordBatch batch) {
        if (!batch.hasProducerId()) {
            return Optional.empty();
        }
        long producerId = batch.producerId();
        short epoch = batch.producerEpoch();
        int firstSeq = batch.baseSequence();
        if (firstSeq < 0) {
            throw new InvalidRecordException("Producer " + producerId + " sent a batch without a base sequence");
        }
        ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            return Optional.empty();
        }
        Optional<BatchMetadata> retained = entry.findBatch(epoch, firstSeq, batch.lastSequence());
        if (retained.isPresent()) {
            BatchMetadata b = retained.get();
            return Optional.of(new DuplicateBatch(b.firstOffset(), b.lastOffset(), b.appendTimeMs()));
        }
        if (epoch < entry.epoch()) {
            throw new InvalidProducerEpochException("Producer " + producerId + " epoch " + epoch
                    + " is older than the current epoch " + entry.epoch());
        }
        if (epoch > entry.epoch()) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException("Producer " + producerId + " started epoch " + epoch
                        + " at sequence " + firstSeq + "; a new epoch starts at 0");
            }
        } else if (!inSequence(entry.lastSeq(), firstSeq)) {
            throw new OutOfOrderSequenceException("Producer " + producerId + " epoch " + epoch + " sent sequence "
                    + firstSeq + " after " + entry.lastSeq() + "; expected " + nextSequence(entry.lastSeq()));
        }
        return Optional.empty();
    }

    /**
     * Records a batch that is now in the log, offsets assigned (leader, follower, and recovery replay).
     * The log is the truth here, so the batch's epoch is adopted without checks. A batch at or below the
     * producer's newest recorded offset was already recorded and is ignored, so replay may overlap.
     *
     * @param appendTimeMs the LogAppendTime written into the batch, or -1 for CreateTime; answered
     *     unchanged to a retry
     */
    public void update(RecordBatch batch, long appendTimeMs) {
        if (!batch.hasProducerId()) {
            return;
        }
        long activityMs = Math.max(appendTimeMs, batch.maxTimestamp());
        ProducerStateEntry entry = producers.computeIfAbsent(batch.producerId(),
                id -> new ProducerStateEntry(id, batch.producerEpoch(), activityMs));
        if (batch.lastOffset() <= entry.lastOffset()) {
            return;
        }
        entry.setEpoch(batch.producerEpoch());
        entry.touch(activityMs);
        if (!batch.isControlBatch() && batch.baseSequence() >= 0) {
            entry.addBatch(new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                    batch.lastOffset(), appendTimeMs));
        }
    }

    /** Forgets everything; the log then reloads a snapshot and replays (after truncation). */
    public void clear() {
        producers.clear();
    }

    /** Writes the current state as of {@code logEndOffset}; keeps only the newest few snapshot files. */
    public void takeSnapshot(long logEndOffset) {
        if (logEndOffset < 0) {
            throw new IllegalArgumentException("logEndOffset " + logEndOffset);
        }
        try {
            ProducerSnapshotFile.writeAtomically(partitionDir, logEndOffset, producers.values());
            List<Long> offsets = snapshotOffsets();
            for (int i = 0; i < offsets.size() - SNAPSHOTS_RETAINED; i++) {
                Files.deleteIfExists(snapshotPath(offsets.get(i)));
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write producer snapshot at offset " + logEndOffset + " in "
                    + partitionDir.getFileName(), e);
        }
    }

    /**
     * Loads the newest snapshot whose offset is ≤ {@code maxOffset}, deleting newer ones. Returns its offset,
     * or -1 when none exists (replay from the log start). Replaces the whole in-memory state; producers
     * already expired are not loaded.
     */
    public long loadSnapshot(long maxOffset) {
        producers.clear();
        try {
            deleteTempFiles();
            List<Long> offsets = snapshotOffsets();
            for (int i = offsets.size() - 1; i >= 0; i--) {
                long offset = offsets.get(i);
                Path file = snapshotPath(offset);
                if (offset > maxOffset) {
                    Files.deleteIfExists(file);
                } else if (tryLoad(file)) {
                    return offset;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot load producer snapshots in " + partitionDir.getFileName(), e);
        }
    }

    /** Drops producers idle longer than {@code producer.id.expiration.ms}. */
    public void removeExpired() {
        long nowMs = clock.wallMs();
        producers.values().removeIf(e -> isExpired(e, nowMs));
    }

    /** Producers currently tracked. */
    public int producerCount() {
        return producers.size();
    }

    /** Offsets of the snapshot files on disk, ascending. */
    List<Long> snapshotOffsets() throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir, "*" + ProducerSnapshotFile.SUFFIX)) {
            for (Path f : files) {
                long offset = ProducerSnapshotFile.offsetOf(f);
                if (offset >= 0) {
                    offsets.add(offset);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Collections.sort(offsets);
        return offsets;
    }

    /** The state of one producer, for tests and diagnostics. */
    Optional<ProducerStateEntry> entry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    private boolean tryLoad(Path file) throws IOException {
        try {
            long nowMs = clock.wallMs();
            for (ProducerStateEntry e : ProducerSnapshotFile.read(file)) {
                if (!isExpired(e, nowMs)) {
                    producers.put(e.producerId(), e);
                }
            }
            return true;
        } catch (CorruptSnapshotException e) {
            producers.clear();
            log.warn("Deleting corrupt producer snapshot {} in {} ({}); falling back to an older snapshot",
                    file.getFileName(), partitionDir.getFileName(), e.getMessage());
            Files.deleteIfExists(file);
            return false;
        }
    }

    private void deleteTempFiles() throws IOException {
        String pattern = "*" + ProducerSnapshotFile.SUFFIX + ProducerSnapshotFile.TMP_SUFFIX;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir, pattern)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException e) {
            // no directory: nothing to clean
        }
    }

    private Path snapshotPath(long offset) {
        return partitionDir.resolve(ProducerSnapshotFile.fileName(offset));
    }

    private boolean isExpired(ProducerStateEntry e, long nowMs) {
        return nowMs - e.lastActivityMs() >= producerIdExpirationMs;
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == nextSequence(lastSeq);
    }

    private static int nextSequence(int lastSeq) {
        return lastSeq == Integer.MAX_VALUE ? 0 : lastSeq + 1;
    }
}
