package dev.kelpie.broker.log;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Checks incoming batches before anything is written. Every rejection is a Kafka {@code ApiException} whose
 * error code tells the client what was wrong: CORRUPT_MESSAGE (CRC, framing), INVALID_RECORD (offsets,
 * counts, missing key on a compacted topic, control batch from a client), MESSAGE_TOO_LARGE, INVALID_TIMESTAMP,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT (magic below 2).
 *
 * <p>Thread-safety: stateless apart from the caller-supplied {@link BufferSupplier}, which belongs to the
 * calling (owner) thread.
 */
final class BatchValidator {

    /** What a validated set of batches holds. */
    record Summary(int batchCount, int recordCount, long maxTimestamp, long firstBatchMaxTimestamp) {}

    private BatchValidator() {}

    /** Validates a producer's batches (offsets not yet assigned). */
    static Summary validateLeader(MemoryRecords records, LogConfig config, long nowMs, BufferSupplier buffers) {
        int batches = 0;
        int count = 0;
        int bytes = 0;
        long maxTs = RecordBatch.NO_TIMESTAMP;
        long firstTs = RecordBatch.NO_TIMESTAMP;
        for (MutableRecordBatch batch : iterate(records)) {
            validateLeaderBatch(batch, config, nowMs, buffers);
            if (batches == 0) {
                firstTs = batch.maxTimestamp();
            }
            batches++;
            count += batch.countOrNull();
            bytes += batch.sizeInBytes();
            maxTs = Math.max(maxTs, batch.maxTimestamp());
        }
        requireWhole(records, batches, bytes);
        return new Summary(batches, count, maxTs, firstTs);
    }

    private static void validateLeaderBatch(MutableRecordBatch batch, LogConfig config, long nowMs,
            BufferSupplier buffers) {
        if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
            throw new UnsupportedForMessageFormatException("Record batch magic " + batch.magic()
                    + " is not supported; only magic 2 is");
        }
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            throw new RecordTooLargeException("Record batch of " + batch.sizeInBytes()
                    + " bytes exceeds max.message.bytes " + config.maxMessageBytes());
        }
        batch.ensureValid();
        if (batch.isControlBatch()) {
            throw new InvalidRecordException("Clients may not write control batches");
        }
        if (batch.baseOffset() != 0) {
            throw new InvalidRecordException("Producer batch base offset must be 0, was " + batch.baseOffset());
        }
        long lastDelta = batch.lastOffset() - batch.baseOffset();
        Integer count = batch.countOrNull();
        if (count == null || count <= 0 || lastDelta + 1 != count) {
            throw new InvalidRecordException("Record count " + count + " does not match last offset delta "
                    + lastDelta);
        }
        boolean checkTimestamps = batch.timestampType() == TimestampType.CREATE_TIME && !config.logAppendTime();
        if (checkTimestamps) {
            checkTimestamp(batch.maxTimestamp(), config, nowMs);
        }
        validateRecords(batch, count, config, nowMs, checkTimestamps, buffers);
    }

    private static void validateRecords(RecordBatch batch, int count, LogConfig config, long nowMs,
            boolean checkTimestamps, BufferSupplier buffers) {
        long expected = batch.baseOffset();
        // Decompression bombs: no record body above the cap is allocated, and inflation stops at the cap.
        int inflatedMax = config.inflatedBatchBytesMax();
        long inflated = 0;
        try (CloseableIterator<Record> it = batch.streamingIterator(buffers, inflatedMax)) {
            while (it.hasNext()) {
                Record record = it.next();
                inflated += record.sizeInBytes();
                if (inflated > inflatedMax) {
                    throw new RecordTooLargeException("Record batch inflates to more than " + inflatedMax + " bytes");
                }
                if (record.offset() != expected) {
                    throw new InvalidRecordException("Record offset delta " + (record.offset() - batch.baseOffset())
                            + " where " + (expected - batch.baseOffset()) + " was expected");
                }
                if (config.cleanupCompact() && !record.hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept a record without a key");
                }
                if (checkTimestamps) {
                    checkTimestamp(record.timestamp(), config, nowMs);
                }
                expected++;
            }
        } catch (InvalidRecordException | InvalidTimestampException | RecordTooLargeException e) {
            throw e;
        } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
            throw new CorruptRecordException("Malformed record in batch at offset delta "
                    + (expected - batch.baseOffset()) + ": " + e.getMessage(), e);
        }
        if (expected - batch.baseOffset() != count) {
            throw new InvalidRecordException("Batch declares " + count + " records but holds "
                    + (expected - batch.baseOffset()));
        }
    }

    private static void checkTimestamp(long ts, LogConfig config, long nowMs) {
        boolean tooOld;
        try {
            tooOld = Math.subtractExact(nowMs, ts) > config.timestampBeforeMaxMs();
        } catch (ArithmeticException overflow) {
            tooOld = true;
        }
        if (tooOld || ts - nowMs > config.timestampAfterMaxMs()) {
            throw new InvalidTimestampException("Timestamp " + ts + " is outside the allowed range ["
                    + (nowMs - config.timestampBeforeMaxMs()) + ", " + (nowMs + config.timestampAfterMaxMs())
                    + "] set by message.timestamp.before.max.ms/after.max.ms");
        }
    }

    /** Validates replicated batches: they carry their offsets, which must ascend from {@code logEndOffset}. */
    static Summary validateFollower(MemoryRecords records, long logEndOffset) {
        int batches = 0;
        int count = 0;
        int bytes = 0;
        long next = logEndOffset;
        long maxTs = RecordBatch.NO_TIMESTAMP;
        long firstTs = RecordBatch.NO_TIMESTAMP;
        for (MutableRecordBatch batch : iterate(records)) {
            if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
                throw new UnsupportedForMessageFormatException("Replicated batch has magic " + batch.magic());
            }
            batch.ensureValid();
            if (batch.baseOffset() < next || batch.lastOffset() < batch.baseOffset()) {
                throw new InvalidRecordException("Replicated batch offsets " + batch.baseOffset() + ".."
                        + batch.lastOffset() + " do not continue the log at " + next);
            }
            if (batches == 0) {
                firstTs = batch.maxTimestamp();
            }
            next = batch.nextOffset();
            batches++;
            Integer c = batch.countOrNull();
            count += c == null ? 0 : c;
            bytes += batch.sizeInBytes();
            maxTs = Math.max(maxTs, batch.maxTimestamp());
        }
        requireWhole(records, batches, bytes);
        return new Summary(batches, count, maxTs, firstTs);
    }

    private static Iterable<MutableRecordBatch> iterate(MemoryRecords records) {
        return () -> {
            var it = records.batches().iterator();
            return new java.util.Iterator<>() {
                @Override
                public boolean hasNext() {
                    try {
                        return it.hasNext();
                    } catch (CorruptRecordException e) {
                        throw e;
                    } catch (KafkaException e) {
                        throw new CorruptRecordException("Malformed record batch framing: " + e.getMessage(), e);
                    }
                }

                @Override
                public MutableRecordBatch next() {
                    return it.next();
                }
            };
        };
    }

    private static void requireWhole(MemoryRecords records, int batches, int bytes) {
        if (batches == 0) {
            throw new InvalidRecordException("No record batch in the append");
        }
        if (bytes != records.sizeInBytes()) {
            throw new CorruptRecordException("Append holds " + (records.sizeInBytes() - bytes)
                    + " trailing bytes that are not a whole record batch");
        }
    }
}
