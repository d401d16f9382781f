package dev.kelpie.broker.server;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.log.InboundAppends;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.log.LogManager;
import dev.kelpie.broker.log.SegmentedLog;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.PartitionImage;
import dev.kelpie.broker.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the partitions this broker leads and the threads that write them.
 *
 * <p><b>Threads.</b> A fixed pool of single-threaded executors ({@code kelpie.io.threads}, default the
 * number of cores); each partition is hashed onto one of them, its <em>owner</em>. Everything that mutates a
 * partition (append, high-watermark advance, DeleteRecords, retention, config change, creation, deletion)
 * runs there, so each log has exactly one writer and the append path takes no locks. Work reaches an owner
 * as a task ({@link #call}, {@link #callAsync}) and its answer comes back as a {@link CompletableFuture};
 * nothing here blocks a Netty event loop. Reads (Fetch, ListOffsets) also run on partition threads, never
 * on event loops, because they touch files.
 *
 * <p><b>Metadata.</b> The partitions follow the metadata image: {@link #startup} loads the logs on disk,
 * deletes those the image no longer has (or whose {@code partition.metadata} names another topic id) and
 * creates missing ones; {@link #publish} applies each later change (new topics and partitions, deleted
 * topics, config changes, leader epochs) on the owners, and completes when all of it is done.
 *
 * <p><b>Maintenance.</b> The {@link LogManager} schedules retention, interval flushes and checkpoints; the
 * mutating ones run on the owner threads through the executor this class gives it.
 *
 * <p>Thread-safety: public methods are safe from any thread. The partition map is concurrent; entries are
 * added and removed only on the owning thread.
 */
public final class PartitionManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);
    private static final long SHUTDOWN_WAIT_MS = 30_000;

    private final int nodeId;
    private final LogConfig brokerDefaults;
    private final ExecutorService[] executors;
    private final LogManager logManager;
    private final Purgatory purgatory = new Purgatory();
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

    public PartitionManager(BrokerConfig config, Clock clock, LogManager.Settings settings) {
        this.nodeId = config.nodeId();
        this.brokerDefaults = config.logDefaults();
        int threads = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
        this.executors = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            String name = "kelpie-partition-" + i;
            executors[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
        this.logManager = new LogManager(config.logDirs(), clock, settings, tp -> maintenanceExecutor(executorFor(tp)));
    }

    /** The owner thread of {@code tp}. */
    public Executor executorFor(TopicPartition tp) {
        return executors[Utils.toPositive(tp.hashCode()) % executors.length];
    }

    private static Executor maintenanceExecutor(Executor owner) {
        return task -> {
            try {
                owner.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.debug("Skipping log maintenance during shutdown");
            }
        };
    }

    public Purgatory purgatory() {
        return purgatory;
    }

    public LogManager logManager() {
        return logManager;
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /** The led partitions right now (a read-only view). */
    public Map<TopicPartition, Partition> partitions() {
        return Collections.unmodifiableMap(partitions);
    }

    /** Runs {@code task} on the owner of {@code tp}; NOT_LEADER_OR_FOLLOWER when this broker lacks it. */
    public <T> CompletableFuture<T> call(TopicPartition tp, Function<Partition, T> task) {
        return callAsync(tp, p -> CompletableFuture.completedFuture(task.apply(p)));
    }

    /** As {@link #call}, for tasks that finish later (acks=all produce). */
    public <T> CompletableFuture<T> callAsync(TopicPartition tp, Function<Partition, ? extends CompletionStage<T>> task) {
        return callAsync(tp, task, () -> { });
    }

    /**
     * As {@link #callAsync}, for a task that appends to the partition's log: it counts as on its way to the log
     * ({@link InboundAppends}) from now until the task has returned, so that the journal's
     * next pass can wait for it and the other partitions of the same request.
     */
    public <T> CompletableFuture<T> callAppend(TopicPartition tp,
            Function<Partition, ? extends CompletionStage<T>> task) {
        InboundAppends inbound = logManager.inboundAppends();
        int ticket = inbound.dispatched();
        return callAsync(tp, task, () -> inbound.arrived(ticket));
    }

    /** {@code afterTask} runs exactly once: after the task returned or threw, or when it could not run at all. */
    private <T> CompletableFuture<T> callAsync(TopicPartition tp,
            Function<Partition, ? extends CompletionStage<T>> task, Runnable afterTask) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executorFor(tp).execute(() -> {
                try {
                    runOnOwner(tp, task, result);
                } finally {
                    afterTask.run();
                }
            });
        } catch (RejectedExecutionException e) {
            afterTask.run();
            result.completeExceptionally(new NotLeaderOrFollowerException("The broker is shutting down"));
        }
        return result;
    }

    private <T> void runOnOwner(TopicPartition tp, Function<Partition, ? extends CompletionStage<T>> task,
            CompletableFuture<T> result) {
        Partition p = partitions.get(tp);
        if (p == null) {
            result.completeExceptionally(new NotLeaderOrFollowerException(
                    "This broker does not lead " + tp + " (yet)"));
            return;
        }
        try {
            task.apply(p).whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            });
        } catch (RuntimeException | Error e) {
            // Answered even when a codec library throws an Error on hostile bytes: never a stuck request.
            result.completeExceptionally(e);
            if (e instanceof VirtualMachineError) {
                throw e;
            }
        }
    }

    /** Runs {@code task} on the owner of {@code tp}, whether or not the partition exists. */
    private CompletableFuture<Void> onOwner(TopicPartition tp, String what, Runnable task) {
        return CompletableFuture.runAsync(task, executorFor(tp)).handle((v, e) -> {
            if (e != null) {
                LOG.error("Cannot {} {}", what, tp, e);
            }
            return null;
        });
    }

    /**
     * Loads and recovers every log on disk, then makes the partitions match {@code image}. Blocks until done;
     * called once, at broker start, before requests are served.
     */
    public void startup(MetadataImage image) {
        logManager.startup(tp -> configFor(image, tp.topic()));
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (SegmentedLog log : logManager.allLogs()) {
            TopicPartition tp = log.topicPartition();
            Optional<TopicImage> topic = image.topic(tp.topic());
            boolean owned = topic.map(t -> t.partition(tp.partition())).map(p -> p.replicas().contains(nodeId))
                    .orElse(false);
            Optional<Uuid> storedId = PartitionMetadataFile.read(log.dir());
            if (!owned || storedId.isPresent() && !storedId.get().equals(topic.get().id())) {
                LOG.info("Deleting the log of {} ({}): not in the metadata image as topic id {}", tp, log.dir(),
                        storedId.map(Uuid::toString).orElse("?"));
                deletions.add(onOwner(tp, "delete stray log", () -> logManager.delete(tp)));
            }
        }
        CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).join();
        publish(MetadataImage.empty(image.clusterId()), image).join();
        LOG.info("Leading {} partitions", partitions.size());
    }

    /** Applies the change from {@code previous} to {@code next}: the {@code MetadataPublisher} of the broker. */
    public CompletableFuture<Void> publish(MetadataImage previous, MetadataImage next) {
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (TopicImage old : previous.topics().values()) {
            if (next.topic(old.id()).isEmpty()) {
                for (int p : old.partitions().keySet()) {
                    TopicPartition tp = new TopicPartition(old.name(), p);
                    work.add(onOwner(tp, "delete", () -> deletePartition(tp, old.id())));
                }
            }
        }
        for (TopicImage topic : next.topics().values()) {
            TopicImage before = previous.topic(topic.id()).orElse(null);
            boolean configChanged = before != null
                    && !previous.topicConfigs(topic.name()).equals(next.topicConfigs(topic.name()));
            LogConfig config = configFor(next, topic.name());
            for (PartitionImage p : topic.partitions().values()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                PartitionImage old = before == null ? null : before.partition(p.partition());
                if (old == null) {
                    work.add(onOwner(tp, "create", () -> createPartition(topic.id(), tp, p, config)));
                } else if (configChanged || old.leaderEpoch() != p.leaderEpoch()) {
                    work.add(onOwner(tp, "update", () -> updatePartition(tp, p, configChanged ? config : null)));
                }
            }
        }
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
    }

    private LogConfig configFor(MetadataImage image, String topic) {
        try {
            return brokerDefaults.withOverrides(image.topicConfigs(topic));
        } catch (InvalidConfigurationException e) {
            LOG.error("Topic {} has invalid config overrides {}; using the broker defaults", topic,
                    image.topicConfigs(topic), e);
            return brokerDefaults;
        }
    }

    private void createPartition(Uuid topicId, TopicPartition tp, PartitionImage image, LogConfig config) {
        if (image.leader() != nodeId || !image.replicas().contains(nodeId)) {
            return;
        }
        Partition existing = partitions.get(tp);
        if (existing != null && existing.topicId().equals(topicId)) {
            existing.setLeaderEpoch(image.leaderEpoch());
            return;
        }
        if (existing != null) {
            deletePartition(tp, existing.topicId());
        }
        SegmentedLog log = logManager.getOrCreate(tp, config);
        if (PartitionMetadataFile.read(log.dir()).isEmpty()) {
            PartitionMetadataFile.write(log.dir(), topicId);
        }
        Partition partition = new Partition(tp, topicId, log, image.leaderEpoch(),
                purgatory::checkAndComplete);
        partition.load();
        partitions.put(tp, partition);
        purgatory.checkAndComplete(tp);
    }

    private void updatePartition(TopicPartition tp, PartitionImage image, LogConfig config) {
        Partition partition = partitions.get(tp);
        if (partition == null) {
            return;
        }
        partition.setLeaderEpoch(image.leaderEpoch());
        if (config != null) {
            partition.log().updateConfig(config);
        }
        purgatory.checkAndComplete(tp);
    }

    private void deletePartition(TopicPartition tp, Uuid topicId) {
        Partition partition = partitions.get(tp);
        if (partition == null || !partition.topicId().equals(topicId)) {
            return;
        }
        partitions.remove(tp);
        logManager.delete(tp);
        purgatory.checkAndComplete(tp);
    }

    /**
     * Completes waiting fetches, lets every queued partition task finish, then flushes, checkpoints and closes
     * every log. Call after the network stopped handing in requests.
     */
    @Override
    public void close() {
        purgatory.close();
        for (ExecutorService e : executors) {
            e.shutdown();
        }
        for (ExecutorService e : executors) {
            try {
                if (!e.awaitTermination(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("Partition tasks still running after {} ms; closing logs anyway", SHUTDOWN_WAIT_MS);
                    e.shutdownNow();
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                e.shutdownNow();
            }
        }
        logManager.close();
    }
}
