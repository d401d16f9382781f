package dev.kelpie.broker.group;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.server.Partition;
import dev.kelpie.broker.server.PartitionManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one coordinator shard on its thread: loads it from its {@code __consumer_offsets} partition, runs
 * operations on it one at a time, reloads it after a failed write, unloads it.
 *
 * <pre>
 * (new) ──load──▶ LOADING ──replayed──▶ ACTIVE ──write failed──▶ FAILED ──retry──▶ LOADING
 *                                         │
 *                                         └──unload──▶ UNLOADED
 * </pre>
 * Operations get COORDINATOR_LOAD_IN_PROGRESS while LOADING and NOT_COORDINATOR when FAILED or UNLOADED.
 *
 * <p>Thread-safety: {@link #submit}, {@link #load} and {@link #unload} are safe from any thread and hand their
 * work to the shard's thread, which alone touches the {@link GroupShard}. {@code state} is volatile for
 * readers elsewhere.
 */
final class ShardRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ShardRuntime.class);
    private static final long RELOAD_BACKOFF_MS = 1_000;

    enum State { LOADING, ACTIVE, FAILED, UNLOADED }

    private final TopicPartition topicPartition;
    private final GroupCoordinatorConfig config;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final PartitionManager partitions;
    private final Supplier<MetadataImage> metadata;
    private volatile State state = State.LOADING;
    private GroupShard shard;

    ShardRuntime(TopicPartition topicPartition, GroupCoordinatorConfig config, Clock clock,
            ScheduledExecutorService thread, PartitionManager partitions, Supplier<MetadataImage> metadata) {
        this.topicPartition = topicPartition;
        this.config = config;
        this.clock = clock;
        this.thread = thread;
        this.partitions = partitions;
        this.metadata = metadata;
    }

    State state() {
        return state;
    }

    /** Runs {@code op} on the shard thread; failures are mapped by {@link CoordinatorErrors}. */
    <T> CompletableFuture<T> submit(Function<GroupShard, CompletableFuture<T>> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                if (state == State.LOADING) {
                    result.completeExceptionally(new CoordinatorLoadInProgressException(
                            "The coordinator is loading " + topicPartition));
                    return;
                }
                if (state != State.ACTIVE) {
                    result.completeExceptionally(new NotCoordinatorException(
                            "This broker is not the coordinator for " + topicPartition));
                    return;
                }
                try {
                    op.apply(shard).whenComplete((v, e) -> {
                        if (e != null) {
                            result.completeExceptionally(CoordinatorErrors.map(e));
                        } else {
                            result.complete(v);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(CoordinatorErrors.map(e));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new NotCoordinatorException("The coordinator is shutting down"));
        }
        return result;
    }

    /** Loads the shard from the log; completes when it is ACTIVE (or failed to load). */
    CompletableFuture<Void> load() {
        return CompletableFuture.runAsync(this::loadNow, thread);
    }

    private void loadNow() {
        if (state == State.UNLOADED) {
            return;
        }
        state = State.LOADING;
        Partition partition = partitions.partition(topicPartition).orElse(null);
        if (partition == null) {
            LOG.warn("Cannot load group coordinator shard {}: this broker does not lead it", topicPartition);
            state = State.FAILED;
            return;
        }
        GroupShard loading = new GroupShard(topicPartition.partition(), config, clock, new ExecutorShardTimer(thread),
                new LogShardWriter(partitions, topicPartition, thread, clock, config.offsetCommitTimeoutMs(),
                        this::onWriteFailure), metadata);
        try {
            long records = ShardLoader.load(partition.log(), partition.highWatermark(), loading::replay);
            LOG.debug("Replayed {} records of {}", records, topicPartition);
        } catch (RuntimeException e) {
            LOG.error("Loading group coordinator shard {} failed; retrying in {} ms", topicPartition,
                    RELOAD_BACKOFF_MS, e);
            loading.onUnloaded();
            state = State.FAILED;
            scheduleReload();
            return;
        }
        shard = loading;
        state = State.ACTIVE;
        shard.onLoaded();
    }

    /** Shard thread: the log refused a write; the state may be ahead of the log, so rebuild it from the log. */
    private void onWriteFailure(Throwable failure) {
        if (state != State.ACTIVE) {
            return;
        }
        LOG.error("Writing to {} failed; reloading the group coordinator shard from its log", topicPartition,
                GroupShard.unwrap(failure));
        shard.onUnloaded();
        shard = null;
        state = State.FAILED;
        scheduleReload();
    }

    private void scheduleReload() {
        try {
            thread.schedule(this::loadNow, RELOAD_BACKOFF_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not reloading {}: shutting down", topicPartition);
        }
    }

    /** Stops the shard: held requests get NOT_COORDINATOR. Completes on the shard thread. */
    CompletableFuture<Void> unload() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                if (shard != null) {
                    shard.onUnloaded();
                    shard = null;
                }
                state = State.UNLOADED;
                done.complete(null);
            });
        } catch (RejectedExecutionException e) {
            state = State.UNLOADED;
            done.complete(null);
        }
        return done;
    }

    /** Shard thread only: the loaded shard, or null. */
    GroupShard shardOrNull() {
        return shard;
    }
}
