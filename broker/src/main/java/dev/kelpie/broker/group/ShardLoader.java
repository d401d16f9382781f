package dev.kelpie.broker.group;

import dev.kelpie.broker.log.FileSlice;
import dev.kelpie.broker.log.LogReadInfo;
import dev.kelpie.broker.log.SegmentedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code __consumer_offsets} partition from its log start to its high watermark and hands every record
 * to the shard's replay, in offset order. Control batches and keyless records are skipped, so are keys of a
 * type this version does not know ({@link GroupRecordSerde#decode}). Batches are parsed by kafka-clients'
 * {@link MemoryRecords} (CRC checked).
 *
 * <p>Thread-safety: runs on the shard's thread; the log's reads are thread-safe.
 */
final class ShardLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ShardLoader.class);
    private static final int READ_BYTES = 1024 * 1024;

    private ShardLoader() {
    }

    /** Replays {@code [logStart, endOffset)}; returns the number of records replayed. */
    static long load(SegmentedLog log, long endOffset, Consumer<GroupRecord> replay) {
        long offset = log.logStartOffset();
        long count = 0;
        while (offset < endOffset) {
            LogReadInfo info = log.read(offset, READ_BYTES, endOffset, true);
            FileSlice slice = info.records();
            try {
                if (slice.sizeInBytes() == 0) {
                    break;
                }
                MemoryRecords records = MemoryRecords.readableRecords(readFully(slice));
                long next = offset;
                for (MutableRecordBatch batch : records.batches()) {
                    batch.ensureValid();
                    if (!batch.isControlBatch()) {
                        count += replayBatch(batch, offset, replay);
                    }
                    next = batch.nextOffset();
                }
                if (next <= offset) {
                    throw new IllegalStateException("No progress reading " + log.topicPartition() + " at " + offset);
                }
                offset = next;
            } finally {
                slice.release();
            }
        }
        return count;
    }

    private static long replayBatch(MutableRecordBatch batch, long from, Consumer<GroupRecord> replay) {
        long count = 0;
        for (Record record : batch) {
            if (record.offset() < from || !record.hasKey()) {
                continue;
            }
            ByteBuffer value = record.hasValue() ? record.value() : null;
            var decoded = GroupRecordSerde.decode(record.key(), value);
            if (decoded.isPresent()) {
                replay.accept(decoded.get());
                count++;
            } else {
                LOG.warn("Skipping a __consumer_offsets record of an unknown type at offset {}", record.offset());
            }
        }
        return count;
    }

    private static ByteBuffer readFully(FileSlice slice) {
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buffer.hasRemaining()) {
                int n = slice.channel().read(buffer, slice.position() + buffer.position());
                if (n < 0) {
                    throw new IOException("Unexpected end of " + slice);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.flip();
    }
}
