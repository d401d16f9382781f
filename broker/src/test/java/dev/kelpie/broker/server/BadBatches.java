package dev.kelpie.broker.server;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.apache.kafka.common.utils.internals.Crc32C;

/**
 * Test-only record batches, valid and deliberately broken. Valid ones come from kafka-clients' builders; broken
 * ones are those with header or record bytes changed afterwards (CRC recomputed unless the CRC is the point), or
 * with a records region written here and a header written by {@link DefaultRecordBatch#writeHeader}.
 */
final class BadBatches {
    static final int ATTRIBUTES_OFFSET = DefaultRecordBatch.CRC_OFFSET + 4;

    private BadBatches() {
    }

    static SimpleRecord[] keyed(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        long now = System.currentTimeMillis();
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(now, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    /** A valid v2 batch of {@code values}, as a buffer of its own. */
    static ByteBuffer valid(Compression compression, String... values) {
        return copy(MemoryRecords.withRecords(compression, keyed(values)).buffer());
    }

    /** A valid idempotent batch. */
    static ByteBuffer idempotent(long producerId, short epoch, int sequence, String... values) {
        return copy(MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, sequence, keyed(values))
                .buffer());
    }

    static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate()).flip();
        return copy;
    }

    /** Recomputes the CRC-32C of the batch at the start of {@code batch} over its declared length. */
    static ByteBuffer fixCrc(ByteBuffer batch) {
        int size = batch.getInt(Records.SIZE_OFFSET) + Records.LOG_OVERHEAD;
        long crc = Crc32C.compute(batch, ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET);
        ByteUtils.writeUnsignedInt(batch, DefaultRecordBatch.CRC_OFFSET, crc);
        return batch;
    }

    /** One record as kafka-clients writes it (length prefix included), at {@code offsetDelta}. */
    static byte[] record(int offsetDelta, String key, String value) {
        ByteBufferOutputStream bytes = new ByteBufferOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            DefaultRecord.writeTo(out, offsetDelta, 0, key == null ? null : utf8(key), utf8(value), new Header[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes(bytes);
    }

    /**
     * A batch whose records region is {@code records} (uncompressed bytes; compressed here with {@code type}),
     * its header written by kafka-clients with the given count and last offset delta, CRC valid.
     */
    static ByteBuffer batch(CompressionType type, int count, int lastOffsetDelta, byte[] records) {
        return withRegion(type, count, lastOffsetDelta, type == CompressionType.NONE ? records
                : compress(type, records));
    }

    /** A batch whose records region is exactly {@code region} (already compressed, or forged), CRC valid. */
    static ByteBuffer withRegion(CompressionType type, int count, int lastOffsetDelta, byte[] region) {
        ByteBuffer batch = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD + region.length);
        batch.position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        batch.put(region);
        batch.position(0);
        long now = System.currentTimeMillis();
        DefaultRecordBatch.writeHeader(batch, 0L, lastOffsetDelta, batch.capacity(), RecordBatch.MAGIC_VALUE_V2, type,
                TimestampType.CREATE_TIME, now, now, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, false, false, false, RecordBatch.NO_PARTITION_LEADER_EPOCH, count);
        batch.position(0);
        return batch;
    }

    /** The records region of the batch at the start of {@code batch}. */
    static byte[] region(ByteBuffer batch) {
        ByteBuffer region = batch.duplicate().position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        byte[] out = new byte[region.remaining()];
        region.get(out);
        return out;
    }

    static byte[] compress(CompressionType type, byte[] raw) {
        ByteBufferOutputStream bytes = new ByteBufferOutputStream(raw.length / 4 + 64);
        try (OutputStream out = Compression.of(type).build().wrapForOutput(bytes, RecordBatch.MAGIC_VALUE_V2)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes(bytes);
    }

    /**
     * A decompression bomb built by kafka-clients: {@code records} records whose values are {@code valueBytes}
     * zero bytes each, compressed with {@code compression}, so a small batch inflates to
     * {@code records * valueBytes} bytes.
     */
    static ByteBuffer bomb(Compression compression, int records, int valueBytes) {
        byte[] zeros = new byte[valueBytes];
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(64 * 1024), compression,
                TimestampType.CREATE_TIME, 0L);
        long now = System.currentTimeMillis();
        for (int i = 0; i < records; i++) {
            builder.append(now, null, zeros);
        }
        return copy(builder.build().buffer());
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBufferOutputStream stream) {
        ByteBuffer buffer = stream.buffer().duplicate().flip();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
