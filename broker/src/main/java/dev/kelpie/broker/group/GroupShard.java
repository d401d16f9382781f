package dev.kelpie.broker.group;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.group.GroupRecord.ClassicGroupMeta;
import dev.kelpie.broker.group.GroupRecord.ClassicMember;
import dev.kelpie.broker.group.GroupRecord.ConsumerGroupMeta;
import dev.kelpie.broker.group.GroupRecord.ConsumerMember;
import dev.kelpie.broker.group.GroupRecord.ConsumerTarget;
import dev.kelpie.broker.group.GroupRecord.Offset;
import dev.kelpie.broker.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one coordinator shard: the groups and offsets whose group ids hash onto one
 * {@code __consumer_offsets} partition, and the operations on them.
 *
 * <p><b>The coordinator pattern.</b> An operation reads the state, decides, and produces records plus an
 * answer. {@link #append} replays the records into the state at once (so the next operation sees them) and
 * writes them to the partition; answers that promise durability (commits, assignments, heartbeats that changed
 * something) complete when the write is durable. Loading replays the partition from its start with the same
 * {@link #replay}, so the state after a restart is the state the records describe. If a write fails the state
 * may be ahead of the log: the runtime then unloads the shard and loads it again from the log.
 *
 * <p>What replay does not rebuild is in memory only: classic rebalances in progress (who has rejoined, held
 * JoinGroup/SyncGroup answers), timers. {@link #onLoaded} restarts the timers for what was loaded;
 * {@link #onUnloaded} answers everything held with NOT_COORDINATOR.
 *
 * <p>Thread-safety: confined to the shard's thread (see {@link GroupCoordinator}); the timer and the writer's
 * futures run there too.
 */
final class GroupShard {
    private static final Logger LOG = LoggerFactory.getLogger(GroupShard.class);
    /** Bytes a record adds to its key and value inside a v2 batch (attributes, varints, headers count). */
    private static final int RECORD_OVERHEAD_BYTES = 32;
    /** The v2 batch header. */
    private static final int BATCH_OVERHEAD_BYTES = 61;

    final int partition;
    final GroupCoordinatorConfig config;
    final ShardTimer timer;
    private final Clock clock;
    private final ShardWriter writer;
    private final Supplier<MetadataImage> metadata;
    final Map<String, Group> groups = new HashMap<>();
    final OffsetStore offsets = new OffsetStore();
    final ClassicGroups classic;
    final ClassicMembership membership;
    final ConsumerGroups consumer;
    final OffsetManager offsetManager;
    final GroupAdmin admin;
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
    /** Set by {@link #onUnloaded}: a detached shard (a late callback, a stray timer) must not write. */
    private boolean unloaded;

    GroupShard(int partition, GroupCoordinatorConfig config, Clock clock, ShardTimer timer, ShardWriter writer,
            Supplier<MetadataImage> metadata) {
        this.partition = partition;
        this.config = config;
        this.clock = clock;
        this.timer = timer;
        this.writer = writer;
        this.metadata = metadata;
        this.classic = new ClassicGroups(this);
        this.membership = new ClassicMembership(this, classic);
        this.consumer = new ConsumerGroups(this);
        this.offsetManager = new OffsetManager(this);
        this.admin = new GroupAdmin(this);
    }

    long nowMs() {
        return clock.wallMs();
    }

    MetadataImage image() {
        return metadata.get();
    }

    int batchBytesMax() {
        return writer.batchBytesMax();
    }

    // ------------------------------------------------------------------ replay

    /** Applies one record to the state: the only way durable state changes. */
    void replay(GroupRecord record) {
        if (record instanceof Offset r) {
            offsets.apply(r);
            if (r.value() != null && !groups.containsKey(r.groupId())) {
                // offsets of a group nobody joined: a "simple" group, listed as an empty classic group
                groups.put(r.groupId(), new ClassicGroup(r.groupId(), r.value().commitTimestampMs()));
            }
        } else if (record instanceof ClassicGroupMeta r) {
            if (r.value() == null) {
                removeGroup(r.groupId(), ClassicGroup.class);
            } else {
                classicGroupForReplay(r.groupId()).apply(r.value());
            }
        } else if (record instanceof ClassicMember r) {
            if (r.value() == null) {
                if (groups.get(r.groupId()) instanceof ClassicGroup g) {
                    g.applyRemoval(r.memberId());
                }
            } else {
                classicGroupForReplay(r.groupId()).apply(r.memberId(), r.value());
            }
        } else if (record instanceof ConsumerGroupMeta r) {
            if (r.value() == null) {
                removeGroup(r.groupId(), ConsumerGroup.class);
            } else {
                consumerGroupForReplay(r.groupId()).applyMeta(r.value());
            }
        } else if (record instanceof ConsumerMember r) {
            if (r.value() != null || groups.get(r.groupId()) instanceof ConsumerGroup) {
                consumerGroupForReplay(r.groupId()).applyMember(r.memberId(), r.value());
            }
        } else if (record instanceof ConsumerTarget r) {
            if (r.value() != null || groups.get(r.groupId()) instanceof ConsumerGroup) {
                consumerGroupForReplay(r.groupId()).applyTarget(r.memberId(), r.value());
            }
        }
    }

    private ClassicGroup classicGroupForReplay(String groupId) {
        if (groups.get(groupId) instanceof ClassicGroup g) {
            return g;
        }
        ClassicGroup g = new ClassicGroup(groupId, nowMs());
        groups.put(groupId, g);
        return g;
    }

    private ConsumerGroup consumerGroupForReplay(String groupId) {
        if (groups.get(groupId) instanceof ConsumerGroup g) {
            return g;
        }
        ConsumerGroup g = new ConsumerGroup(groupId);
        groups.put(groupId, g);
        return g;
    }

    private void removeGroup(String groupId, Class<? extends Group> type) {
        Group g = groups.get(groupId);
        if (type.isInstance(g)) {
            groups.remove(groupId);
            if (g instanceof ClassicGroup c) {
                c.transitionTo(ClassicGroupState.DEAD, nowMs());
            }
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Replays {@code records} and writes them, in batches no larger than the partition accepts. The future
     * completes, on the shard thread, when all of them are durable. With no records it completes when every
     * earlier write is durable (so an answer never overtakes the writes it depends on).
     *
     * @throws RecordTooLargeException before replaying anything when one record cannot fit in a batch
     */
    CompletableFuture<Void> append(List<GroupRecord> records) {
        if (unloaded) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("Shard " + partition + " is unloaded"));
        }
        if (records.isEmpty()) {
            return lastWrite;
        }
        int limit = writer.batchBytesMax() - BATCH_OVERHEAD_BYTES;
        List<List<ShardWriter.Encoded>> batches = new ArrayList<>();
        List<ShardWriter.Encoded> batch = new ArrayList<>();
        int batchBytes = 0;
        for (GroupRecord r : records) {
            ShardWriter.Encoded encoded = new ShardWriter.Encoded(GroupRecordSerde.key(r), GroupRecordSerde.value(r));
            int size = encoded.sizeInBytes() + RECORD_OVERHEAD_BYTES;
            if (size > limit) {
                throw new RecordTooLargeException("A " + r.getClass().getSimpleName() + " record of group "
                        + r.groupId() + " takes " + size + " bytes; __consumer_offsets accepts batches of " + limit);
            }
            if (batchBytes + size > limit) {
                batches.add(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(encoded);
            batchBytes += size;
        }
        batches.add(batch);
        records.forEach(this::replay);
        CompletableFuture<Void> written = null;
        for (List<ShardWriter.Encoded> b : batches) {
            written = writer.write(b);
        }
        lastWrite = written;
        return written;
    }

    /** Completes when every write so far is durable. */
    CompletableFuture<Void> lastWrite() {
        return lastWrite;
    }

    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    // ------------------------------------------------------------------ load and unload

    /** After replaying the log: restarts session timers, resumes interrupted rebalances, schedules expiration. */
    void onLoaded() {
        long now = nowMs();
        for (Group g : new ArrayList<>(groups.values())) {
            if (g instanceof ClassicGroup c && !c.members.isEmpty()) {
                c.transitionTo(ClassicGroupState.STABLE, c.stateTimestampMs);
                c.members.values().forEach(m -> classic.scheduleHeartbeat(c, m));
                boolean unassigned = c.members.values().stream().anyMatch(m -> m.assignment.length == 0);
                if (unassigned) {
                    classic.prepareRebalance(c, "loaded in the middle of a rebalance");
                }
            } else if (g instanceof ConsumerGroup c) {
                c.members.keySet().forEach(memberId -> consumer.scheduleSession(c.groupId(), memberId));
            }
        }
        scheduleExpiration();
        LOG.debug("Loaded group coordinator shard {}: {} groups, {} groups with offsets, in {} ms", partition,
                groups.size(), offsets.groupIds().size(), nowMs() - now);
    }

    private void scheduleExpiration() {
        timer.schedule("offsets-expiration", config.offsetsRetentionCheckIntervalMs(), () -> {
            offsetManager.expireOffsetsAndGroups();
            scheduleExpiration();
        });
    }

    /** Leadership moves away or the shard reloads: cancels timers, answers held requests. */
    void onUnloaded() {
        unloaded = true;
        timer.cancelAll();
        for (Group g : groups.values()) {
            if (g instanceof ClassicGroup c) {
                for (ClassicGroupMember m : c.members.values()) {
                    if (m.awaitingJoin != null) {
                        m.awaitingJoin.complete(ClassicGroups.joinError(m.memberId(), Errors.NOT_COORDINATOR));
                        m.awaitingJoin = null;
                    }
                    if (m.awaitingSync != null) {
                        m.awaitingSync.complete(new SyncGroupResponseData().setErrorCode(
                                Errors.NOT_COORDINATOR.code()).setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT));
                        m.awaitingSync = null;
                    }
                }
            }
        }
        groups.clear();
        offsets.clear();
    }

    /** A JoinGroup answer for an error, for callers outside the shard. */
    static JoinGroupResponseData joinError(Errors error) {
        return ClassicGroups.joinError("", error);
    }
}
