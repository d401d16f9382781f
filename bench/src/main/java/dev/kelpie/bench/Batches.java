package dev.kelpie.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The benchmark's unit of work: a producer batch of 1 KiB records that fits a 64 KiB batch
 * ({@code batch.size=65536}), uncompressed, built by kafka-clients.
 */
final class Batches {
    static final int RECORD_BYTES = 1024;
    static final int BATCH_BYTES_MAX = 64 * 1024;
    /** 63 records of 1 KiB plus record and batch overhead stay below 64 KiB; 64 would not. */
    static final int RECORDS_PER_BATCH = 63;

    private Batches() {}

    /** A fresh batch with random (incompressible) values; base offset 0. */
    static MemoryRecords newBatch(long seed) {
        Random random = new Random(seed);
        SimpleRecord[] records = new SimpleRecord[RECORDS_PER_BATCH];
        for (int i = 0; i < records.length; i++) {
            byte[] value = new byte[RECORD_BYTES];
            random.nextBytes(value);
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, value);
        }
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records);
        if (batch.sizeInBytes() > BATCH_BYTES_MAX) {
            throw new IllegalStateException("batch of " + batch.sizeInBytes() + " bytes exceeds 64 KiB");
        }
        return batch;
    }

    /** A copy of the template's bytes the log may rewrite in place (offsets, epoch). */
    static MemoryRecords copyOf(MemoryRecords template, ByteBuffer scratch) {
        scratch.clear();
        scratch.put(template.buffer().duplicate());
        scratch.flip();
        return MemoryRecords.readableRecords(scratch);
    }
}
