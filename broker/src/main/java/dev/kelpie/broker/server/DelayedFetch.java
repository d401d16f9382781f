package dev.kelpie.broker.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * A Fetch waiting for {@code min.bytes} of committed data or {@code max.wait.ms}, whichever comes first.
 *
 * <p>Readiness is estimated without reading: the bytes its first read found plus the bytes committed since on
 * each watched partition ({@link Partition#committedBytes()}), or any change that makes an error answer
 * (partition gone, re-created, log offline, high watermark below the fetch offset). On completion the whole
 * plan is read again on a partition thread and answered.
 *
 * <p>Thread-safety: immutable apart from {@link DelayedOperation}'s completion flag.
 */
final class DelayedFetch extends DelayedOperation {
    private final FetchPlan plan;
    private final List<FetchPlan.Item> items;
    private final long[] committedBytesAtStart;
    private final long bytesAtStart;
    private final PartitionManager partitions;
    private final FetchReader reader;
    private final Executor executor;
    private final CompletableFuture<AbstractResponse> result;

    DelayedFetch(FetchPlan plan, long bytesAtStart, PartitionManager partitions, FetchReader reader,
            Executor executor, CompletableFuture<AbstractResponse> result) {
        this.plan = plan;
        this.items = plan.items();
        this.bytesAtStart = bytesAtStart;
        this.partitions = partitions;
        this.reader = reader;
        this.executor = executor;
        this.result = result;
        this.committedBytesAtStart = new long[items.size()];
        for (int i = 0; i < items.size(); i++) {
            committedBytesAtStart[i] = partitions.partition(items.get(i).topicPartition())
                    .map(Partition::committedBytes).orElse(0L);
        }
    }

    @Override
    protected List<TopicPartition> watchedPartitions() {
        return items.stream().map(FetchPlan.Item::topicPartition).toList();
    }

    @Override
    protected boolean isReady() {
        long bytes = bytesAtStart;
        for (int i = 0; i < items.size(); i++) {
            FetchPlan.Item item = items.get(i);
            Partition p = partitions.partition(item.topicPartition()).orElse(null);
            if (p == null || !p.topicId().equals(item.topicId()) || !p.log().isOnline()
                    || p.highWatermark() < item.fetchOffset()) {
                return true;
            }
            if (p.highWatermark() > item.fetchOffset()) {
                bytes += Math.max(1, p.committedBytes() - committedBytesAtStart[i]);
            }
        }
        return bytes >= plan.minBytes();
    }

    @Override
    protected void onComplete() {
        try {
            executor.execute(this::answer);
        } catch (RejectedExecutionException e) {
            answer();
        }
    }

    private void answer() {
        try {
            FetchReader.Result read = reader.read(plan);
            if (!result.complete(FetchResponse.of(read.data()))) {
                FetchReader.release(read.data());
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
