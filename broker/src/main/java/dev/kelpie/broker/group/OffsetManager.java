package dev.kelpie.broker.group;

import dev.kelpie.broker.group.GroupRecord.ConsumerMemberValue;
import dev.kelpie.broker.group.GroupRecord.Offset;
import dev.kelpie.broker.group.GroupRecord.OffsetValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.types.SchemaException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OffsetCommit, OffsetFetch, OffsetDelete and offset expiration of one shard.
 *
 * <p><b>Commit checks</b> (Kafka's): a group nobody joined accepts commits with generation/epoch -1 (admin
 * tools, {@code assign()} consumers) and is created as an empty "simple" classic group; a positive generation
 * for an unknown group is GROUP_ID_NOT_FOUND (v9+) or ILLEGAL_GENERATION. Classic groups: an unknown member is
 * UNKNOWN_MEMBER_ID, a replaced static member FENCED_INSTANCE_ID, another generation ILLEGAL_GENERATION, an
 * anonymous commit to a non-empty group UNKNOWN_MEMBER_ID, a commit during COMPLETING_REBALANCE
 * REBALANCE_IN_PROGRESS. Consumer groups: an unknown member UNKNOWN_MEMBER_ID, an older member epoch
 * STALE_MEMBER_EPOCH, a newer one FENCED_MEMBER_EPOCH, a KIP-848 member below v9 UNSUPPORTED_VERSION. Metadata
 * longer than {@code offset.metadata.max.bytes} is OFFSET_METADATA_TOO_LARGE for its partition. Accepted
 * offsets are answered once durable.
 *
 * <p><b>Expiration.</b> Every {@code offsets.retention.check.interval.ms} offsets of groups without members
 * expire {@code offsets.retention.minutes} after the group became empty (classic groups) or after their commit
 * (groups that never had a classic state change, consumer groups). An empty group left without offsets is
 * deleted. Offsets of deleted topics are deleted.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class OffsetManager {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetManager.class);

    /** One partition of an OffsetCommit; {@code error} is set when the request layer already rejected it. */
    record CommitPartition(String topic, int partition, long offset, int leaderEpoch, String metadata, Errors error) {}

    record CommitArgs(String groupId, int generationOrEpoch, String memberId, String instanceId, short version,
            List<CommitPartition> partitions) {}

    /** Offsets found ({@code null} value: none committed), or a group-level error. */
    record FetchResult(Errors error, Map<TopicPartition, OffsetValue> offsets) {}

    record DeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {}

    private final GroupShard shard;

    OffsetManager(GroupShard shard) {
        this.shard = shard;
    }

    /** Per-partition errors, in request order. */
    CompletableFuture<List<Errors>> commit(CommitArgs args) {
        Errors groupError = validateCommit(args);
        List<Errors> results = new ArrayList<>();
        List<GroupRecord> records = new ArrayList<>();
        long now = shard.nowMs();
        for (CommitPartition p : args.partitions()) {
            Errors error = p.error() != null ? p.error() : groupError;
            if (error == null && p.metadata() != null && p.metadata().length() > shard.config.offsetMetadataBytesMax()) {
                error = Errors.OFFSET_METADATA_TOO_LARGE;
            }
            if (error == null) {
                records.add(new Offset(args.groupId(), p.topic(), p.partition(), new OffsetValue(p.offset(),
                        p.leaderEpoch(), p.metadata() == null ? "" : p.metadata(), now)));
            }
            results.add(error == null ? Errors.NONE : error);
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(results);
        }
        if (!shard.groups.containsKey(args.groupId())) {
            shard.groups.put(args.groupId(), new ClassicGroup(args.groupId(), now));
        }
        return shard.append(records).thenApply(v -> results);
    }

    private Errors validateCommit(CommitArgs args) {
        Group group = shard.groups.get(args.groupId());
        int generation = args.generationOrEpoch();
        String memberId = args.memberId() == null ? "" : args.memberId();
        if (group == null) {
            if (generation < 0) {
                return null;
            }
            return args.version() >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
        }
        if (group instanceof ConsumerGroup consumer) {
            if (generation < 0 && consumer.isEmpty()) {
                return null;
            }
            ConsumerMemberValue member = consumer.members.get(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (args.version() < 9) {
                return Errors.UNSUPPORTED_VERSION;
            }
            return epochError(generation, member.memberEpoch());
        }
        ClassicGroup classic = (ClassicGroup) group;
        if (classic.is(ClassicGroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && classic.is(ClassicGroupState.EMPTY)) {
            return null;
        }
        if (generation >= 0 || !memberId.isEmpty() || args.instanceId() != null) {
            Errors memberError = ClassicGroups.validateMember(classic, memberId, args.instanceId());
            if (memberError != null) {
                return memberError;
            }
            if (generation != classic.generation) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!classic.is(ClassicGroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return classic.is(ClassicGroupState.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : null;
    }

    private static Errors epochError(int received, int expected) {
        if (received > expected) {
            return Errors.FENCED_MEMBER_EPOCH;
        }
        return received < expected ? Errors.STALE_MEMBER_EPOCH : null;
    }

    /**
     * The committed offsets of {@code partitions} (null: all of the group), answered once every earlier write
     * is durable, so a fetch never sees a commit that could still be lost.
     */
    CompletableFuture<FetchResult> fetch(String groupId, String memberId, int memberEpoch,
            List<TopicPartition> partitions) {
        Errors error = validateFetch(groupId, memberId, memberEpoch);
        if (error != null) {
            return CompletableFuture.completedFuture(new FetchResult(error, Map.of()));
        }
        return shard.lastWrite().handle((v, e) -> {
            Map<TopicPartition, OffsetValue> found = new LinkedHashMap<>();
            if (partitions == null) {
                found.putAll(shard.offsets.offsets(groupId));
            } else {
                partitions.forEach(tp -> found.put(tp, shard.offsets.get(groupId, tp)));
            }
            return new FetchResult(Errors.NONE, found);
        });
    }

    private Errors validateFetch(String groupId, String memberId, int memberEpoch) {
        Group group = shard.groups.get(groupId);
        boolean identified = memberEpoch >= 0 || memberId != null && !memberId.isEmpty();
        if (!identified) {
            return null;
        }
        if (group instanceof ConsumerGroup consumer) {
            ConsumerMemberValue member = consumer.members.get(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return memberEpoch != member.memberEpoch() ? Errors.STALE_MEMBER_EPOCH : null;
        }
        return group == null && memberEpoch >= 0 ? Errors.GROUP_ID_NOT_FOUND : null;
    }

    /** OffsetDelete: refused for partitions of topics the (active) group subscribes to. */
    CompletableFuture<DeleteResult> delete(String groupId, List<TopicPartition> partitions) {
        Group group = shard.groups.get(groupId);
        if (group == null || group instanceof ClassicGroup c && c.is(ClassicGroupState.DEAD)) {
            return CompletableFuture.completedFuture(new DeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        }
        if (group instanceof ClassicGroup c && !c.isEmpty() && !"consumer".equals(c.protocolType)) {
            return CompletableFuture.completedFuture(new DeleteResult(Errors.NON_EMPTY_GROUP, Map.of()));
        }
        Set<String> subscribed = subscribedTopics(group);
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        List<GroupRecord> records = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (subscribed.contains(tp.topic())) {
                results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                continue;
            }
            if (shard.offsets.get(groupId, tp) != null) {
                records.add(new Offset(groupId, tp.topic(), tp.partition(), null));
            }
            results.put(tp, Errors.NONE);
        }
        return shard.append(records).thenApply(v -> new DeleteResult(Errors.NONE, results));
    }

    /** Topics the members of an active group subscribe to. */
    private static Set<String> subscribedTopics(Group group) {
        Set<String> topics = new HashSet<>();
        if (group instanceof ConsumerGroup consumer) {
            consumer.members.values().forEach(m -> topics.addAll(m.subscribedTopicNames()));
        } else if (group instanceof ClassicGroup classic && !classic.isEmpty()) {
            for (ClassicGroupMember m : classic.members.values()) {
                byte[] metadata = m.metadata(classic.protocolName);
                if (metadata == null) {
                    continue;
                }
                try {
                    topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
                } catch (SchemaException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
                    LOG.debug("Group {}: member {} metadata is not a consumer subscription", classic.groupId(),
                            m.memberId());
                }
            }
        }
        return topics;
    }

    /** The periodic cleanup: expired offsets, then empty groups without offsets. */
    void expireOffsetsAndGroups() {
        long now = shard.nowMs();
        long retentionMs = shard.config.offsetsRetentionMs();
        List<GroupRecord> records = new ArrayList<>();
        for (String groupId : new ArrayList<>(shard.offsets.groupIds())) {
            Group group = shard.groups.get(groupId);
            if (group != null && !group.isEmpty()) {
                continue;
            }
            Long emptySince = group instanceof ClassicGroup c && c.generation > 0 ? c.stateTimestampMs : null;
            shard.offsets.offsets(groupId).forEach((tp, v) -> {
                long base = emptySince != null ? emptySince : v.commitTimestampMs();
                if (base + retentionMs <= now) {
                    records.add(new Offset(groupId, tp.topic(), tp.partition(), null));
                }
            });
        }
        List<String> groupsWithExpired = records.stream().map(GroupRecord::groupId).distinct().toList();
        if (!records.isEmpty()) {
            LOG.info("Expiring {} offsets of groups {}", records.size(), groupsWithExpired);
            shard.append(records);
        }
        List<GroupRecord> deletions = new ArrayList<>();
        for (Group g : new ArrayList<>(shard.groups.values())) {
            if (g.isEmpty() && !shard.offsets.hasOffsets(g.groupId())
                    && !(g instanceof ClassicGroup c && c.is(ClassicGroupState.PREPARING_REBALANCE))) {
                deletions.addAll(shard.admin.deletionRecords(g, true));
            }
        }
        if (!deletions.isEmpty()) {
            shard.append(deletions);
        }
    }

    /** Tombstones for every offset of deleted topics. */
    void onTopicsDeleted(Set<String> topics) {
        List<GroupRecord> records = new ArrayList<>();
        for (String groupId : new ArrayList<>(shard.offsets.groupIds())) {
            shard.offsets.offsets(groupId).keySet().stream().filter(tp -> topics.contains(tp.topic()))
                    .forEach(tp -> records.add(new Offset(groupId, tp.topic(), tp.partition(), null)));
        }
        if (!records.isEmpty()) {
            LOG.info("Deleting {} committed offsets of deleted topics {}", records.size(), topics);
            shard.append(records);
        }
    }
}
