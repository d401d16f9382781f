package dev.kelpie.broker.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a coordinator shard's records go: its {@code __consumer_offsets} partition.
 *
 * <p>Thread-safety: called on the shard's thread; the returned futures complete on the shard's thread.
 */
interface ShardWriter {

    /** One encoded record; {@code value == null} is a tombstone. */
    record Encoded(byte[] key, byte[] value) {
        int sizeInBytes() {
            return key.length + (value == null ? 0 : value.length);
        }
    }

    /**
     * Appends the records as one batch, in call order with earlier batches. Completes once the batch is
     * durable (committed), exceptionally when it cannot be written.
     */
    CompletableFuture<Void> write(List<Encoded> records);

    /** The largest batch the partition accepts ({@code max.message.bytes} of {@code __consumer_offsets}). */
    int batchBytesMax();
}
