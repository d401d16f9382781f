package dev.kelpie.broker.group;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.server.PartitionManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Writes a shard's records through the normal partition log of its {@code __consumer_offsets} partition: one
 * uncompressed v2 batch per call, appended as leader on the partition's owner thread, answered once committed
 * (durable). Batches of one shard reach the partition in call order, since they queue on the same owner thread.
 *
 * <p>A write that fails (log offline, not the leader anymore) is reported to {@code onFailure} on the shard
 * thread; a write slower than {@code offsets.commit.timeout.ms} fails its caller's future with a timeout but is
 * not a failure of the shard.
 *
 * <p>Thread-safety: called on the shard thread; futures complete there.
 */
final class LogShardWriter implements ShardWriter {
    private final PartitionManager partitions;
    private final TopicPartition topicPartition;
    private final Executor shardThread;
    private final Clock clock;
    private final long timeoutMs;
    private final Consumer<Throwable> onFailure;

    LogShardWriter(PartitionManager partitions, TopicPartition topicPartition, Executor shardThread, Clock clock,
            long timeoutMs, Consumer<Throwable> onFailure) {
        this.partitions = partitions;
        this.topicPartition = topicPartition;
        this.shardThread = shardThread;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
        this.onFailure = onFailure;
    }

    @Override
    public CompletableFuture<Void> write(List<Encoded> records) {
        long now = clock.wallMs();
        SimpleRecord[] batch = new SimpleRecord[records.size()];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new SimpleRecord(now, records.get(i).key(), records.get(i).value());
        }
        MemoryRecords memoryRecords = MemoryRecords.withRecords(Compression.NONE, batch);
        CompletableFuture<Void> committed = partitions.callAsync(topicPartition,
                p -> p.appendAsLeader(memoryRecords).committed());
        committed.whenCompleteAsync((v, e) -> {
            if (e != null) {
                onFailure.accept(e);
            }
        }, shardThread);
        CompletableFuture<Void> answer = new CompletableFuture<>();
        committed.copy().orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenCompleteAsync((v, e) -> {
            if (e != null) {
                answer.completeExceptionally(e);
            } else {
                answer.complete(null);
            }
        }, shardThread);
        return answer;
    }

    @Override
    public int batchBytesMax() {
        return partitions.partition(topicPartition).map(p -> p.log().config().maxMessageBytes())
                .orElse(1024 * 1024);
    }
}
