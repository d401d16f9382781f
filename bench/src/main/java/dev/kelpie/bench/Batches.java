package dev.kelpie.bench;

import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The benchmarks' unit of work: a producer batch of 1 KiB records that fits a 64 KiB batch
 * ({@code batch.size=65536}), uncompressed, built by kafka-clients.
 */
final class Batches {
    static final int RECORD_BYTES = 1024;
    static final int BATCH_BYTES_MAX = 64 * 1024;
    /** 63 records of 1 KiB plus record and batch overhead stay below 64 KiB; 64 would not. */
    static final int RECORDS_PER_BATCH = 63;

    private Batches() {}

    /** A fresh producer batch (base offset 0) with random, incompressible values. */
    static MemoryRecords newBatch(long seed) {
        Random random = new Random(seed);
        SimpleRecord[] records = new SimpleRecord[RECORDS_PER_BATCH];
        long now = System.currentTimeMillis();
        for (int i = 0; i < records.length; i++) {
            byte[] value = new byte[RECORD_BYTES];
            random.nextBytes(value);
            records[i] = new SimpleRecord(now, null, value);
        }
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records);
        if (batch.sizeInBytes() > BATCH_BYTES_MAX) {
            throw new IllegalStateException("batch of " + batch.sizeInBytes() + " bytes exceeds 64 KiB");
        }
        return batch;
    }

    /** Bytes of one benchmark batch, for converting ops/s to MB/s. */
    static int batchBytes() {
        return newBatch(0).sizeInBytes();
    }

    /**
     * Turns a batch the log has assigned offsets to back into a producer batch (base offset 0), in place.
     * The CRC does not cover the base offset, so the batch stays valid and nothing is copied.
     */
    static void resetToProducerBatch(MemoryRecords records) {
        for (MutableRecordBatch batch : records.batches()) {
            batch.setLastOffset(batch.lastOffset() - batch.baseOffset());
        }
    }

    public static void main(String[] args) {
        System.out.println("batch bytes: " + batchBytes());
    }
}
