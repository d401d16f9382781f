package dev.kelpie.broker.group;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.metadata.BrokerRegistration;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.PartitionImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.metrics.GroupStateSource;
import dev.kelpie.broker.server.Partition;
import dev.kelpie.broker.server.PartitionManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this broker: consumer groups (classic and KIP-848) and committed offsets, kept in the
 * internal compacted topic {@code __consumer_offsets}.
 *
 * <p><b>Sharding and lookup.</b> A group belongs to partition {@code abs(groupId.hashCode()) % partitions} of
 * {@code __consumer_offsets} (Kafka's rule); its coordinator is whichever broker leads that partition, looked up
 * in the metadata image every time (one node today; replication will move leadership). The topic is created
 * through the controller on the first FindCoordinator, with {@code offsets.topic.num.partitions} partitions,
 * {@code cleanup.policy=compact}, {@code segment.bytes=offsets.topic.segment.bytes}.
 *
 * <p><b>Threads.</b> Each partition this broker leads is a shard ({@link ShardRuntime}, {@link GroupShard}) whose
 * state only its thread touches; shards are hashed onto {@code group.coordinator.threads} single-threaded
 * executors, which also run their timers. Handlers (on Netty event loops) call the methods here, which route to
 * the shard thread and return futures; nothing blocks. Reads across all shards (ListGroups, metrics) ask every
 * shard and combine the answers.
 *
 * <p><b>Metadata.</b> {@link #onMetadataUpdate} follows the image: shards are loaded (replayed from the log)
 * when this broker gains an offsets partition, unloaded when it loses one, and told about deleted topics so
 * their offsets are deleted. {@link #startup} loads what the image gives at broker start, before requests
 * are served.
 *
 * <p>Thread-safety: public methods are safe from any thread.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    public static final String OFFSETS_TOPIC = Topic.GROUP_METADATA_TOPIC_NAME;
    private static final long SHUTDOWN_WAIT_MS = 10_000;

    private final GroupCoordinatorConfig config;
    private final int nodeId;
    private final Clock clock;
    private final PartitionManager partitions;
    private final MetadataCache cache;
    private final TopicCreator topicCreator;
    private final ScheduledThreadPoolExecutor[] threads;
    private final Map<Integer, ShardRuntime> shards = new ConcurrentHashMap<>();
    private final Object topicCreation = new Object();
    private CompletableFuture<Void> creatingTopic;

    public GroupCoordinator(GroupCoordinatorConfig config, int nodeId, Clock clock, PartitionManager partitions,
            MetadataCache cache, TopicCreator topicCreator) {
        this.config = config;
        this.nodeId = nodeId;
        this.clock = clock;
        this.partitions = partitions;
        this.cache = cache;
        this.topicCreator = topicCreator;
        this.threads = new ScheduledThreadPoolExecutor[config.threads()];
        for (int i = 0; i < threads.length; i++) {
            String name = "kelpie-group-coordinator-" + i;
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            // heartbeats reschedule session timers constantly: drop cancelled ones at once
            executor.setRemoveOnCancelPolicy(true);
            threads[i] = executor;
        }
    }

    public GroupCoordinatorConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ lookup

    /** The offsets partition of {@code groupId} given the topic's partition count. */
    public static int partitionFor(String groupId, int partitionCount) {
        return Utils.abs(groupId.hashCode()) % partitionCount;
    }

    /**
     * The broker that coordinates {@code groupId}, creating {@code __consumer_offsets} first when it does not
     * exist. Fails with COORDINATOR_NOT_AVAILABLE when the partition has no live leader.
     */
    public CompletableFuture<BrokerRegistration> findCoordinator(String groupId) {
        return ensureOffsetsTopic().thenApply(v -> {
            MetadataImage image = cache.image();
            TopicImage topic = image.topic(OFFSETS_TOPIC).orElseThrow(() ->
                    new CoordinatorNotAvailableException("The offsets topic is not available yet"));
            PartitionImage p = topic.partition(partitionFor(groupId, topic.partitionCount()));
            return image.broker(p.leader()).orElseThrow(() ->
                    new CoordinatorNotAvailableException("The coordinator of group " + groupId + " is not available"));
        });
    }

    private CompletableFuture<Void> ensureOffsetsTopic() {
        if (cache.image().topic(OFFSETS_TOPIC).isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (topicCreation) {
            if (creatingTopic == null || creatingTopic.isDone()) {
                short factor = (short) Math.max(1, Math.min(config.offsetsTopicReplicationFactor(),
                        cache.image().brokers().size()));
                Map<String, String> configs = Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES,
                        Integer.toString(config.offsetsTopicSegmentBytes()), LogConfig.COMPRESSION_TYPE, "producer");
                LOG.info("Creating {} with {} partitions", OFFSETS_TOPIC, config.offsetsTopicPartitions());
                creatingTopic = topicCreator.create(OFFSETS_TOPIC, config.offsetsTopicPartitions(), factor, configs)
                        .thenAccept(error -> {
                            if (error.isFailure() && error.error() != Errors.TOPIC_ALREADY_EXISTS) {
                                throw new CoordinatorNotAvailableException("Cannot create " + OFFSETS_TOPIC + ": "
                                        + error.messageWithFallback());
                            }
                        });
            }
            return creatingTopic;
        }
    }

    /** Runs {@code op} on the shard of {@code groupId}, or fails with the coordinator error clients expect. */
    <T> CompletableFuture<T> run(String groupId, Function<GroupShard, CompletableFuture<T>> op) {
        MetadataImage image = cache.image();
        Optional<TopicImage> topic = image.topic(OFFSETS_TOPIC);
        if (topic.isEmpty()) {
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException(
                    "The offsets topic does not exist yet"));
        }
        int partition = partitionFor(groupId, topic.get().partitionCount());
        if (topic.get().partition(partition).leader() != nodeId) {
            return CompletableFuture.failedFuture(new NotCoordinatorException(
                    "This broker is not the coordinator of group " + groupId));
        }
        ShardRuntime shard = shards.get(partition);
        if (shard == null) {
            return CompletableFuture.failedFuture(new CoordinatorLoadInProgressException(
                    "The coordinator of group " + groupId + " is loading"));
        }
        return shard.submit(op);
    }

    /** Runs {@code op} on every loaded shard; the answers in shard order. Loading shards are left out. */
    <T> CompletableFuture<List<T>> runOnAll(Function<GroupShard, CompletableFuture<T>> op) {
        List<CompletableFuture<T>> answers = new ArrayList<>();
        for (ShardRuntime shard : shards.values()) {
            if (shard.state() == ShardRuntime.State.ACTIVE) {
                answers.add(shard.submit(op).exceptionally(e -> null));
            }
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<T> out = new ArrayList<>();
            answers.forEach(a -> {
                T t = a.join();
                if (t != null) {
                    out.add(t);
                }
            });
            return out;
        });
    }

    /** True while some shard of this broker is loading (ListGroups then says COORDINATOR_LOAD_IN_PROGRESS). */
    boolean anyShardLoading() {
        return shards.values().stream().anyMatch(s -> s.state() == ShardRuntime.State.LOADING);
    }

    // ------------------------------------------------------------------ operations (for the handlers)

    CompletableFuture<JoinGroupResponseData> joinGroup(ClassicJoin join) {
        return run(join.groupId(), shard -> shard.classic.join(join));
    }

    CompletableFuture<SyncGroupResponseData> syncGroup(ClassicMembership.SyncArgs sync) {
        return run(sync.groupId(), shard -> shard.membership.sync(sync));
    }

    CompletableFuture<Errors> heartbeat(String groupId, String memberId, String instanceId, int generation) {
        return run(groupId, shard -> CompletableFuture.completedFuture(
                shard.membership.heartbeat(groupId, memberId, instanceId, generation)));
    }

    CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> members) {
        return run(groupId, shard -> CompletableFuture.completedFuture(shard.membership.leave(groupId, members)));
    }

    CompletableFuture<List<Errors>> commitOffsets(OffsetManager.CommitArgs commit) {
        return run(commit.groupId(), shard -> shard.offsetManager.commit(commit));
    }

    CompletableFuture<OffsetManager.FetchResult> fetchOffsets(String groupId, String memberId, int memberEpoch,
            List<TopicPartition> partitions) {
        return run(groupId, shard -> shard.offsetManager.fetch(groupId, memberId, memberEpoch, partitions));
    }

    CompletableFuture<OffsetManager.DeleteResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return run(groupId, shard -> shard.offsetManager.delete(groupId, partitions));
    }

    CompletableFuture<List<ListedGroup>> listGroups(Set<String> states, Set<String> types) {
        return runOnAll(shard -> CompletableFuture.completedFuture(shard.admin.list(states, types)))
                .thenApply(lists -> lists.stream().flatMap(List::stream).toList());
    }

    CompletableFuture<DescribedGroup> describeGroup(String groupId, short version) {
        return run(groupId, shard -> CompletableFuture.completedFuture(shard.admin.describe(groupId, version)));
    }

    CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup> describeConsumerGroup(String groupId) {
        return run(groupId, shard -> CompletableFuture.completedFuture(shard.admin.describeConsumer(groupId)));
    }

    CompletableFuture<Errors> deleteGroup(String groupId) {
        return run(groupId, shard -> shard.admin.delete(groupId));
    }

    CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(ConsumerGroups.Heartbeat hb) {
        return run(hb.request().groupId(), shard -> shard.consumer.heartbeat(hb));
    }

    // ------------------------------------------------------------------ metadata

    /** Loads what {@code image} says this broker leads, before requests are served. Blocks. */
    public void startup(MetadataImage image) {
        long started = clock.monotonicNs();
        onMetadataUpdate(MetadataImage.empty(image.clusterId()), image).join();
        if (!shards.isEmpty()) {
            LOG.info("Group coordinator loaded {} shards of {} in {} ms", shards.size(), OFFSETS_TOPIC,
                    (clock.monotonicNs() - started) / 1_000_000);
        }
    }

    /**
     * Follows a metadata change: loads newly led offsets partitions, unloads lost ones, deletes offsets of
     * deleted topics. Completes when the new shards are loaded.
     */
    public synchronized CompletableFuture<Void> onMetadataUpdate(MetadataImage previous, MetadataImage next) {
        List<CompletableFuture<Void>> work = new ArrayList<>();
        Set<Integer> led = new HashSet<>();
        next.topic(OFFSETS_TOPIC).ifPresent(topic -> topic.partitions().values().forEach(p -> {
            if (p.leader() == nodeId) {
                led.add(p.partition());
            }
        }));
        for (Integer p : new ArrayList<>(shards.keySet())) {
            if (!led.contains(p)) {
                LOG.info("Unloading group coordinator shard {}", p);
                work.add(shards.remove(p).unload());
            }
        }
        for (int p : led) {
            if (!shards.containsKey(p) && partitions.partition(new TopicPartition(OFFSETS_TOPIC, p)).isPresent()) {
                ShardRuntime shard = new ShardRuntime(new TopicPartition(OFFSETS_TOPIC, p), config, clock,
                        threads[p % threads.length], partitions, cache::image);
                shards.put(p, shard);
                work.add(shard.load());
            }
        }
        Set<String> deleted = new HashSet<>();
        previous.topics().values().forEach(t -> {
            if (next.topic(t.id()).isEmpty()) {
                deleted.add(t.name());
            }
        });
        if (!deleted.isEmpty() && !previous.topics().isEmpty()) {
            shards.values().forEach(s -> s.submit(shard -> {
                shard.offsetManager.onTopicsDeleted(deleted);
                return CompletableFuture.completedFuture(null);
            }));
        }
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
    }

    // ------------------------------------------------------------------ metrics

    /** Every group of this broker with its committed offsets and lag (for metrics; read-only). */
    public CompletableFuture<List<GroupStateSource.Group>> snapshot() {
        return runOnAll(shard -> CompletableFuture.completedFuture(snapshotOf(shard)))
                .thenApply(lists -> lists.stream().flatMap(List::stream).toList());
    }

    private List<GroupStateSource.Group> snapshotOf(GroupShard shard) {
        List<GroupStateSource.Group> out = new ArrayList<>();
        for (Group g : shard.groups.values()) {
            List<GroupStateSource.PartitionOffset> offsets = new ArrayList<>();
            shard.offsets.offsets(g.groupId()).forEach((tp, v) -> {
                long end = partitions.partition(tp).map(Partition::highWatermark).orElse(-1L);
                long lag = end < 0 ? -1 : Math.max(0, end - v.offset());
                offsets.add(new GroupStateSource.PartitionOffset(tp.topic(), tp.partition(), v.offset(), end, lag));
            });
            out.add(new GroupStateSource.Group(g.groupId(), g.type(), g.stateName(), g.memberCount(), offsets));
        }
        return out;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Unloads every shard (held requests get NOT_COORDINATOR) and stops the threads. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> unloads = new ArrayList<>();
        shards.values().forEach(s -> unloads.add(s.unload()));
        shards.clear();
        try {
            CompletableFuture.allOf(unloads.toArray(CompletableFuture[]::new))
                    .get(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Group coordinator shards did not unload cleanly", e);
        }
        for (ScheduledThreadPoolExecutor t : threads) {
            t.shutdownNow();
        }
    }
}
