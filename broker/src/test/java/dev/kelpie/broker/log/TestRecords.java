package dev.kelpie.broker.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builds producer batches with kafka-clients and decodes what the log returns. */
final class TestRecords {
    private TestRecords() {}

    /** One record as the tests see it. */
    record Rec(long offset, long timestamp, String key, String value) {}

    static MemoryRecords batch(long timestamp, String... values) {
        SimpleRecord[] recs = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            recs[i] = new SimpleRecord(timestamp, ("k" + values[i]).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, recs);
    }

    static MemoryRecords keyed(long timestamp, String key, String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(timestamp,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    static MemoryRecords records(List<SimpleRecord> recs) {
        return MemoryRecords.withRecords(Compression.NONE, recs.toArray(new SimpleRecord[0]));
    }

    static MemoryRecords bytesOf(FileSlice slice) {
        ByteBuffer buf = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buf.hasRemaining()) {
                int n = slice.channel().read(buf, slice.position() + buf.position());
                if (n < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buf.flip();
        return MemoryRecords.readableRecords(buf);
    }

    /** Decodes every record in the slice and releases it. */
    static List<Rec> decode(LogReadInfo info) {
        FileSlice slice = info.records();
        try {
            return decode(bytesOf(slice));
        } finally {
            slice.release();
        }
    }

    static List<Rec> decode(MemoryRecords records) {
        List<Rec> out = new ArrayList<>();
        for (RecordBatch b : records.batches()) {
            b.ensureValid();
            for (Record r : b) {
                out.add(new Rec(r.offset(), r.timestamp(), str(r.key()), str(r.value())));
            }
        }
        return out;
    }

    static String str(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
