package dev.kelpie.broker.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ShardWriter} that keeps the batches in memory, durable at once (or failing when told to), so a test
 * can replay them into a fresh shard as a restart would.
 */
final class MemoryShardWriter implements ShardWriter {
    final List<List<Encoded>> batches = new ArrayList<>();
    private final int batchBytesMax;
    RuntimeException failNext;

    MemoryShardWriter(int batchBytesMax) {
        this.batchBytesMax = batchBytesMax;
    }

    @Override
    public CompletableFuture<Void> write(List<Encoded> records) {
        if (failNext != null) {
            RuntimeException e = failNext;
            failNext = null;
            return CompletableFuture.failedFuture(e);
        }
        batches.add(List.copyOf(records));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public int batchBytesMax() {
        return batchBytesMax;
    }

    int recordCount() {
        return batches.stream().mapToInt(List::size).sum();
    }
}
