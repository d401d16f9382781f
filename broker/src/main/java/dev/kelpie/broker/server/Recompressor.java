package dev.kelpie.broker.server;

import dev.kelpie.broker.log.LogConfig;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Locale;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Applies a topic's {@code compression.type} to a producer batch before it is appended. {@code producer}
 * keeps the producer's codec; {@code uncompressed} (or {@code none}) and the codec names force that codec.
 * Only when the target differs from the batch's codec is the batch rebuilt: every record with its offset
 * delta, timestamp, key, value and headers, and the batch's producer id, epoch, base sequence,
 * transactional flag and timestamp type, so idempotence checks see the same batch. The rebuilt batch's
 * CRC is new; the log engine then assigns offsets as for any batch. Errors are Kafka's: CORRUPT_MESSAGE for a
 * bad CRC, an unknown codec or a stream that does not decompress; INVALID_RECORD for a malformed record;
 * MESSAGE_TOO_LARGE for a decompression bomb ({@link #rebuild}).
 *
 * <p>Thread-safety: stateless; runs on the partition's owner thread.
 */
final class Recompressor {
    private Recompressor() {
    }

    /** The codec a topic's {@code compression.type} demands, or null for {@code producer}. */
    static CompressionType target(String compressionType) {
        String type = compressionType.toLowerCase(Locale.ROOT);
        return switch (type) {
            case "producer" -> null;
            case "uncompressed", "none" -> CompressionType.NONE;
            default -> CompressionType.forName(type);
        };
    }

    /** {@code records} recompressed for the topic, or {@code records} itself when no change is needed. */
    static MemoryRecords apply(MemoryRecords records, LogConfig config) {
        CompressionType target = target(config.compressionType());
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        if (target == null || !batches.hasNext()) {
            return records;
        }
        MutableRecordBatch batch = batches.next();
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2 || codec(batch) == target) {
            return records;
        }
        if (!batch.isValid()) {
            throw new CorruptRecordException("Record batch failed its CRC check");
        }
        if (batch.isControlBatch()) {
            throw new InvalidRecordException("Clients may not write control batches");
        }
        return rebuild(batch, target, config);
    }

    /** The batch's codec; CORRUPT_MESSAGE for a codec id Kafka does not define (5–7). */
    static CompressionType codec(RecordBatch batch) {
        try {
            return batch.compressionType();
        } catch (IllegalArgumentException unknownCodec) {
            throw new CorruptRecordException("Record batch names an unknown compression codec: "
                    + unknownCodec.getMessage());
        }
    }

    /**
     * Inflates at most {@link LogConfig#inflatedBatchBytesMax()} bytes, and for an uncompressed target writes at
     * most {@code max.message.bytes}: beyond either the batch is MESSAGE_TOO_LARGE, as Kafka answers a batch
     * that recompression made too large.
     */
    private static MemoryRecords rebuild(MutableRecordBatch batch, CompressionType target, LogConfig config) {
        TimestampType timestampType = batch.timestampType() == TimestampType.LOG_APPEND_TIME
                ? TimestampType.CREATE_TIME : batch.timestampType();
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(Math.max(batch.sizeInBytes(), 512)),
                RecordBatch.MAGIC_VALUE_V2, Compression.of(target).build(), timestampType, batch.baseOffset(),
                RecordBatch.NO_TIMESTAMP, batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                batch.isTransactional(), batch.partitionLeaderEpoch());
        int inflatedMax = config.inflatedBatchBytesMax();
        long inflated = 0;
        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.create(), inflatedMax)) {
            while (it.hasNext()) {
                Record r = it.next();
                inflated += r.sizeInBytes();
                if (inflated > inflatedMax) {
                    throw new RecordTooLargeException("Record batch inflates to more than " + inflatedMax + " bytes");
                }
                builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
                if (target == CompressionType.NONE && builder.estimatedSizeInBytes() > config.maxMessageBytes()) {
                    throw new RecordTooLargeException("Record batch uncompressed for the topic exceeds "
                            + "max.message.bytes " + config.maxMessageBytes());
                }
            }
        } catch (ApiException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("Invalid record in batch: " + e.getMessage());
        } catch (KafkaException | IllegalStateException e) {
            throw new CorruptRecordException("Malformed record batch: " + e.getMessage(), e);
        }
        return builder.build();
    }
}
