package dev.kelpie.broker.group;

import dev.kelpie.broker.group.GroupRecord.ConsumerGroupMeta;
import dev.kelpie.broker.group.GroupRecord.ConsumerGroupValue;
import dev.kelpie.broker.group.GroupRecord.ConsumerMemberValue;
import dev.kelpie.broker.group.GroupRecord.MemberState;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsumerGroupHeartbeat (KIP-848) of one shard: join (epoch 0), heartbeat, leave (-1) and a static member's
 * temporary leave (-2), with the server-side assignment and per-member reconciliation
 * ({@link MemberReconciler}).
 *
 * <p>Each heartbeat: validate; find or create the group (an empty classic group is converted; a non-empty one
 * is GROUP_ID_NOT_FOUND: a group id is classic or consumer) and the member (an unknown member id with epoch &gt; 0
 * is UNKNOWN_MEMBER_ID; an epoch the coordinator did not give is FENCED_MEMBER_EPOCH, unless it is the previous
 * epoch and the member owns no more than its assignment, i.e. the last answer was lost; a static member whose
 * instance id is still held by an active member is UNRELEASED_INSTANCE_ID); bump the group epoch and recompute
 * the target when membership, a subscription or a subscribed topic's partitions changed; reconcile the member;
 * write what changed; answer with the member's epoch and, on a full request or when it changed, its assignment.
 * Members are removed when they leave, when their session ({@code group.consumer.session.timeout.ms}) expires,
 * or when they do not revoke partitions within their rebalance timeout.
 *
 * <p>Every change is a record, applied by replay: the operation computes the records, the shard replays them.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class ConsumerGroups {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroups.class);
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    /** A heartbeat with the caller's identity. */
    record Heartbeat(ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost, short version) {}

    private final GroupShard shard;

    ConsumerGroups(GroupShard shard) {
        this.shard = shard;
    }

    static String sessionKey(String groupId, String memberId) {
        return "consumer-session/" + groupId + "/" + memberId;
    }

    static String revocationKey(String groupId, String memberId) {
        return "consumer-revocation/" + groupId + "/" + memberId;
    }

    CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(Heartbeat hb) {
        ConsumerGroupHeartbeatRequestData r = hb.request();
        validate(r, hb.version());
        if (r.memberEpoch() == LEAVE_EPOCH || r.memberEpoch() == STATIC_LEAVE_EPOCH) {
            return leave(r);
        }
        String memberId = r.memberId().isEmpty() ? Uuid.randomUuid().toString() : r.memberId();
        List<GroupRecord> records = new ArrayList<>();
        ConsumerGroup group = groupFor(r.groupId(), r.memberEpoch() == 0);
        ConsumerMemberValue existing = memberFor(group, memberId, r, records);
        ConsumerMemberValue updated = updatedMember(existing, r, hb);
        boolean bump = group.groupEpoch == 0 || existing == null
                || !Objects.equals(existing.subscribedTopicNames(), updated.subscribedTopicNames())
                || !Objects.equals(existing.subscribedTopicRegex(), updated.subscribedTopicRegex());
        Map<String, ConsumerMemberValue> members = new HashMap<>(group.members);
        members.put(memberId, updated);
        retargetIfNeeded(group, members, bump, records);
        Map<Uuid, Set<Integer>> target = targetAfter(group, memberId, records);
        ConsumerMemberValue reconciled = MemberReconciler.reconcile(group, memberId, updated,
                subscribedTopicIds(updated, shard.image()), assignmentEpochAfter(group, records), target,
                owned(r.topicPartitions()));
        if (!reconciled.equals(existing)) {
            records.add(new GroupRecord.ConsumerMember(group.groupId(), memberId, reconciled));
        }
        boolean fullRequest = r.memberEpoch() == 0 || r.rebalanceTimeoutMs() != -1 && r.subscribedTopicNames() != null
                && r.topicPartitions() != null;
        boolean assignmentChanged = existing == null || !existing.assigned().equals(reconciled.assigned());
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData().setMemberId(memberId)
                .setMemberEpoch(reconciled.memberEpoch()).setHeartbeatIntervalMs(shard.config.consumerHeartbeatIntervalMs());
        if (fullRequest || assignmentChanged) {
            response.setAssignment(assignment(reconciled.assigned()));
        }
        scheduleSession(group.groupId(), memberId);
        scheduleRevocationTimeout(group.groupId(), memberId, existing, reconciled);
        return shard.append(records).thenApply(v -> response);
    }

    private void validate(ConsumerGroupHeartbeatRequestData r, short version) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            throw new InvalidRequestException("GroupId can't be empty.");
        }
        if (r.memberEpoch() < STATIC_LEAVE_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is invalid: " + r.memberEpoch());
        }
        if ((version >= 1 || r.memberEpoch() != 0) && (r.memberId() == null || r.memberId().isEmpty())) {
            throw new InvalidRequestException("MemberId can't be empty.");
        }
        if (r.memberEpoch() == STATIC_LEAVE_EPOCH && r.instanceId() == null) {
            throw new InvalidRequestException("InstanceId can't be null when leaving temporarily (epoch -2).");
        }
        if (r.memberEpoch() == 0) {
            if (r.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided when joining.");
            }
            if (r.subscribedTopicNames() == null && r.subscribedTopicRegex() == null) {
                throw new InvalidRequestException("SubscribedTopicNames or SubscribedTopicRegex must be set when joining.");
            }
            if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when joining.");
            }
        }
        if (r.serverAssignor() != null && Assignors.canonicalName(r.serverAssignor()).isEmpty()) {
            throw new UnsupportedAssignorException("Unknown server assignor " + r.serverAssignor() + "; known: "
                    + Assignors.NAMES);
        }
        if (r.subscribedTopicRegex() != null && !r.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(r.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new InvalidRegularExpression("Invalid regular expression " + r.subscribedTopicRegex());
            }
        }
    }

    private ConsumerGroup groupFor(String groupId, boolean create) {
        Group group = shard.groups.get(groupId);
        if (group instanceof ConsumerGroup consumer) {
            return consumer;
        }
        if (group instanceof ClassicGroup classic) {
            if (!classic.isEmpty()) {
                throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
            }
            if (!create) {
                throw new UnknownMemberIdException("Group " + groupId + " has no member with this id.");
            }
            shard.append(shard.admin.deletionRecords(classic, false));
        } else if (!create) {
            throw new UnknownMemberIdException("Consumer group " + groupId + " not found.");
        }
        ConsumerGroup created = new ConsumerGroup(groupId);
        shard.groups.put(groupId, created);
        return created;
    }

    private ConsumerMemberValue memberFor(ConsumerGroup group, String memberId, ConsumerGroupHeartbeatRequestData r,
            List<GroupRecord> records) {
        ConsumerMemberValue member = group.members.get(memberId);
        String instanceId = r.instanceId();
        if (instanceId != null && r.memberEpoch() == 0) {
            String holder = group.staticMembers.get(instanceId);
            if (holder != null && !holder.equals(memberId)) {
                ConsumerMemberValue previous = group.members.get(holder);
                if (previous.memberEpoch() != STATIC_LEAVE_EPOCH) {
                    throw new UnreleasedInstanceIdException("Static member " + instanceId + " of group "
                            + group.groupId() + " is still held by member " + holder + ".");
                }
                return takeOverStaticMember(group, holder, memberId, previous, records);
            }
        }
        if (member == null) {
            if (r.memberEpoch() != 0) {
                throw new UnknownMemberIdException("Member " + memberId + " is not a member of group "
                        + group.groupId() + ".");
            }
            if (group.members.size() >= shard.config.consumerGroupSizeMax()) {
                throw new GroupMaxSizeReachedException("The consumer group has reached its maximum capacity of "
                        + shard.config.consumerGroupSizeMax() + " members.");
            }
            return null;
        }
        if (instanceId != null && !memberId.equals(group.staticMembers.get(instanceId))) {
            throw new FencedInstanceIdException("Static member " + instanceId + " of group " + group.groupId()
                    + " is now member " + group.staticMembers.get(instanceId) + ".");
        }
        checkEpoch(member, r.memberEpoch(), owned(r.topicPartitions()));
        return member;
    }

    /** A static member rejoins under a new member id: it inherits the old member's epoch and partitions. */
    private ConsumerMemberValue takeOverStaticMember(ConsumerGroup group, String oldId, String newId,
            ConsumerMemberValue previous, List<GroupRecord> records) {
        shard.timer.cancel(sessionKey(group.groupId(), oldId));
        shard.timer.cancel(revocationKey(group.groupId(), oldId));
        Map<Uuid, Set<Integer>> target = group.target(oldId);
        records.add(new GroupRecord.ConsumerTarget(group.groupId(), oldId, null));
        records.add(new GroupRecord.ConsumerMember(group.groupId(), oldId, null));
        int epoch = previous.previousMemberEpoch() >= 0 ? previous.previousMemberEpoch() : 0;
        ConsumerMemberValue inherited = new ConsumerMemberValue(previous.instanceId(), previous.rackId(),
                previous.clientId(), previous.clientHost(), previous.subscribedTopicNames(),
                previous.subscribedTopicRegex(), previous.serverAssignor(), previous.rebalanceTimeoutMs(), epoch,
                epoch, previous.state(), previous.assigned(), previous.pendingRevocation());
        records.add(new GroupRecord.ConsumerMember(group.groupId(), newId, inherited));
        records.add(new GroupRecord.ConsumerTarget(group.groupId(), newId, target));
        shard.append(List.copyOf(records));
        records.clear();
        LOG.info("Static member {} of group {} rejoined as {} (was {})", previous.instanceId(), group.groupId(), newId,
                oldId);
        return inherited;
    }

    private static void checkEpoch(ConsumerMemberValue member, int received, Map<Uuid, Set<Integer>> owned) {
        if (received > member.memberEpoch()) {
            throw new FencedMemberEpochException("The consumer group member has a greater member epoch (" + received
                    + ") than the one known by the group coordinator (" + member.memberEpoch()
                    + "). The member must abandon all its partitions and rejoin.");
        }
        if (received < member.memberEpoch()) {
            boolean subset = owned != null && Partitions.minus(owned, member.assigned()).isEmpty();
            if (received != member.previousMemberEpoch() || !subset) {
                throw new FencedMemberEpochException("The consumer group member has a smaller member epoch ("
                        + received + ") than the one known by the group coordinator (" + member.memberEpoch()
                        + "). The member must abandon all its partitions and rejoin.");
            }
        }
    }

    private ConsumerMemberValue updatedMember(ConsumerMemberValue existing, ConsumerGroupHeartbeatRequestData r,
            Heartbeat hb) {
        ConsumerMemberValue base = existing != null ? existing : new ConsumerMemberValue(r.instanceId(), r.rackId(),
                hb.clientId(), hb.clientHost(), List.of(), null, null, r.rebalanceTimeoutMs(), 0, 0,
                MemberState.STABLE, Map.of(), Map.of());
        List<String> topics = r.subscribedTopicNames() == null ? base.subscribedTopicNames()
                : new ArrayList<>(new TreeSet<>(r.subscribedTopicNames()));
        String regex = r.subscribedTopicRegex() == null ? base.subscribedTopicRegex()
                : r.subscribedTopicRegex().isEmpty() ? null : r.subscribedTopicRegex();
        String assignor = r.serverAssignor() == null ? base.serverAssignor()
                : Assignors.canonicalName(r.serverAssignor()).orElseThrow();
        return new ConsumerMemberValue(r.instanceId() != null ? r.instanceId() : base.instanceId(),
                r.rackId() != null ? r.rackId() : base.rackId(), hb.clientId(), hb.clientHost(), topics, regex,
                assignor, r.rebalanceTimeoutMs() != -1 ? r.rebalanceTimeoutMs() : base.rebalanceTimeoutMs(),
                base.memberEpoch(), base.previousMemberEpoch(), base.state(), base.assigned(),
                base.pendingRevocation());
    }

    /**
     * Bumps the group epoch and writes a new target assignment when {@code bump} or when the subscribed topics'
     * metadata changed since the last target.
     */
    private void retargetIfNeeded(ConsumerGroup group, Map<String, ConsumerMemberValue> members, boolean bump,
            List<GroupRecord> records) {
        MetadataImage image = shard.image();
        Map<Uuid, Integer> counts = new HashMap<>();
        long hash = subscriptionHash(members, image, counts);
        if (!bump && hash == group.metadataHash && group.groupEpoch == group.assignmentEpoch) {
            return;
        }
        int epoch = group.groupEpoch + 1;
        List<Assignors.Member> assignees = new ArrayList<>();
        members.forEach((id, m) -> assignees.add(new Assignors.Member(id, subscribedTopicIds(m, image))));
        Map<String, Map<Uuid, Set<Integer>>> targets = Assignors.assign(preferredAssignor(members.values()), assignees,
                counts, group.targets);
        records.add(new ConsumerGroupMeta(group.groupId(), new ConsumerGroupValue(epoch, epoch, hash)));
        targets.forEach((memberId, target) -> {
            if (!target.equals(group.targets.get(memberId))) {
                records.add(new GroupRecord.ConsumerTarget(group.groupId(), memberId, target));
            }
        });
        LOG.info("Group {} moves to epoch {} with {} members", group.groupId(), epoch, members.size());
    }

    /** The target of {@code memberId} once {@code records} are applied. */
    private static Map<Uuid, Set<Integer>> targetAfter(ConsumerGroup group, String memberId, List<GroupRecord> records) {
        Map<Uuid, Set<Integer>> target = group.target(memberId);
        for (GroupRecord r : records) {
            if (r instanceof GroupRecord.ConsumerTarget t && t.memberId().equals(memberId)) {
                target = t.value() == null ? Map.of() : t.value();
            }
        }
        return target;
    }

    private static int assignmentEpochAfter(ConsumerGroup group, List<GroupRecord> records) {
        int epoch = group.assignmentEpoch;
        for (GroupRecord r : records) {
            if (r instanceof ConsumerGroupMeta m && m.value() != null) {
                epoch = m.value().assignmentEpoch();
            }
        }
        return epoch;
    }

    /** The assignor most members ask for; ties and no preference go to the configured order. */
    String preferredAssignor(Iterable<ConsumerMemberValue> members) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerMemberValue m : members) {
            if (m.serverAssignor() != null) {
                votes.merge(m.serverAssignor(), 1, Integer::sum);
            }
        }
        List<String> order = new ArrayList<>(shard.config.consumerAssignors());
        Assignors.NAMES.stream().filter(n -> !order.contains(n)).forEach(order::add);
        String best = order.get(0);
        for (String name : order) {
            if (votes.getOrDefault(name, 0) > votes.getOrDefault(best, 0)) {
                best = name;
            }
        }
        return best;
    }

    /** Hash of the subscribed topics' names, ids and partition counts; fills {@code counts}. */
    static long subscriptionHash(Map<String, ConsumerMemberValue> members, MetadataImage image,
            Map<Uuid, Integer> counts) {
        Set<Uuid> topics = new TreeSet<>();
        members.values().forEach(m -> topics.addAll(subscribedTopicIds(m, image)));
        long hash = 17;
        for (Uuid id : topics) {
            TopicImage topic = image.topic(id).orElseThrow();
            counts.put(id, topic.partitionCount());
            hash = 31 * hash + id.hashCode();
            hash = 31 * hash + topic.name().hashCode();
            hash = 31 * hash + topic.partitionCount();
        }
        return hash;
    }

    /** The ids of the existing topics a member subscribes to by name or regex (internal topics never match). */
    static Set<Uuid> subscribedTopicIds(ConsumerMemberValue member, MetadataImage image) {
        Set<Uuid> ids = new HashSet<>();
        for (String name : member.subscribedTopicNames()) {
            image.topic(name).ifPresent(t -> ids.add(t.id()));
        }
        if (member.subscribedTopicRegex() != null) {
            Pattern pattern = Pattern.compile(member.subscribedTopicRegex());
            for (TopicImage t : image.topics().values()) {
                if (!t.isInternal() && pattern.matcher(t.name()).matches()) {
                    ids.add(t.id());
                }
            }
        }
        return ids;
    }

    private static Map<Uuid, Set<Integer>> owned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> parts) {
        if (parts == null) {
            return null;
        }
        Map<Uuid, Set<Integer>> owned = new HashMap<>();
        parts.forEach(tp -> owned.computeIfAbsent(tp.topicId(), k -> new TreeSet<>()).addAll(tp.partitions()));
        return Partitions.copy(owned);
    }

    static ConsumerGroupHeartbeatResponseData.Assignment assignment(Map<Uuid, Set<Integer>> assigned) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> topics = new ArrayList<>();
        assigned.forEach((topic, partitions) -> topics.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(topic).setPartitions(new ArrayList<>(partitions))));
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(topics);
    }

    // ------------------------------------------------------------------ leaving and expiry

    private CompletableFuture<ConsumerGroupHeartbeatResponseData> leave(ConsumerGroupHeartbeatRequestData r) {
        ConsumerGroup group = shard.groups.get(r.groupId()) instanceof ConsumerGroup g ? g : null;
        String memberId = r.memberId();
        if (group == null) {
            throw new UnknownMemberIdException("Consumer group " + r.groupId() + " not found.");
        }
        if (r.instanceId() != null) {
            String holder = group.staticMembers.get(r.instanceId());
            if (holder == null) {
                throw new UnknownMemberIdException("Static member " + r.instanceId() + " is not in group "
                        + r.groupId() + ".");
            }
            if (!holder.equals(memberId)) {
                throw new FencedInstanceIdException("Static member " + r.instanceId() + " is now member " + holder);
            }
        }
        ConsumerMemberValue member = group.members.get(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not in group " + r.groupId() + ".");
        }
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData().setMemberId(memberId)
                .setMemberEpoch(r.memberEpoch());
        List<GroupRecord> records;
        if (r.memberEpoch() == STATIC_LEAVE_EPOCH) {
            records = List.of(new GroupRecord.ConsumerMember(group.groupId(), memberId, new ConsumerMemberValue(
                    member.instanceId(), member.rackId(), member.clientId(), member.clientHost(),
                    member.subscribedTopicNames(), member.subscribedTopicRegex(), member.serverAssignor(),
                    member.rebalanceTimeoutMs(), STATIC_LEAVE_EPOCH, member.memberEpoch(), member.state(),
                    member.assigned(), member.pendingRevocation())));
            LOG.info("Static member {} ({}) of group {} left temporarily", member.instanceId(), memberId,
                    group.groupId());
        } else {
            records = removalRecords(group, memberId);
            LOG.info("Member {} left group {}", memberId, group.groupId());
        }
        return shard.append(records).thenApply(v -> response);
    }

    /** Tombstones for the member plus a new epoch and target for the others. */
    private List<GroupRecord> removalRecords(ConsumerGroup group, String memberId) {
        shard.timer.cancel(sessionKey(group.groupId(), memberId));
        shard.timer.cancel(revocationKey(group.groupId(), memberId));
        List<GroupRecord> records = new ArrayList<>();
        records.add(new GroupRecord.ConsumerTarget(group.groupId(), memberId, null));
        records.add(new GroupRecord.ConsumerMember(group.groupId(), memberId, null));
        Map<String, ConsumerMemberValue> remaining = new HashMap<>(group.members);
        remaining.remove(memberId);
        retargetIfNeeded(group, remaining, true, records);
        return records;
    }

    /** Removes a member whose session or revocation deadline passed. */
    void fence(String groupId, String memberId, String why) {
        if (shard.groups.get(groupId) instanceof ConsumerGroup group && group.members.containsKey(memberId)) {
            LOG.info("Removing member {} of group {}: {}", memberId, groupId, why);
            shard.append(removalRecords(group, memberId));
        }
    }

    void scheduleSession(String groupId, String memberId) {
        shard.timer.schedule(sessionKey(groupId, memberId), shard.config.consumerSessionTimeoutMs(),
                () -> fence(groupId, memberId, "session timeout expired"));
    }

    private void scheduleRevocationTimeout(String groupId, String memberId, ConsumerMemberValue before,
            ConsumerMemberValue after) {
        boolean wasRevoking = before != null && before.state() == MemberState.UNREVOKED_PARTITIONS;
        if (after.state() != MemberState.UNREVOKED_PARTITIONS) {
            shard.timer.cancel(revocationKey(groupId, memberId));
        } else if (!wasRevoking || before.memberEpoch() != after.memberEpoch()) {
            int epoch = after.memberEpoch();
            shard.timer.schedule(revocationKey(groupId, memberId), after.rebalanceTimeoutMs(), () -> {
                if (shard.groups.get(groupId) instanceof ConsumerGroup g && g.members.get(memberId) != null
                        && g.members.get(memberId).state() == MemberState.UNREVOKED_PARTITIONS
                        && g.members.get(memberId).memberEpoch() == epoch) {
                    fence(groupId, memberId, "partitions not revoked within the rebalance timeout");
                }
            });
        }
    }

    /** An empty consumer group becomes a classic one: its records are deleted (offsets stay). */
    void deleteForConversion(ConsumerGroup group) {
        shard.append(shard.admin.deletionRecords(group, false));
    }
}
