package dev.kelpie.broker.group;

import dev.kelpie.broker.group.GroupRecord.ConsumerMemberValue;
import dev.kelpie.broker.group.GroupRecord.MemberState;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A KIP-848 {@code consumer} group: members heartbeat with {@code ConsumerGroupHeartbeat} and the coordinator
 * computes the assignment.
 *
 * <p><b>Epochs.</b> The group epoch is bumped whenever membership, a subscription or a subscribed topic's
 * partitions change; the target assignment is then recomputed for it (assignment epoch = group epoch). Each
 * member converges to its target one heartbeat at a time (see {@link MemberReconciler}) and carries the epoch
 * it has reached.
 *
 * <p><b>States</b> (derived): Empty (no members), Assigning (the target is older than the group epoch),
 * Reconciling (some member is not at the assignment epoch or not STABLE), Stable.
 *
 * <p>All fields change only by replaying {@link GroupRecord.ConsumerGroupMeta}, {@link GroupRecord.ConsumerMember}
 * and {@link GroupRecord.ConsumerTarget} records ({@link #applyMeta}, {@link #applyMember},
 * {@link #applyTarget}). Timers live in the coordinator.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class ConsumerGroup implements Group {
    private final String groupId;
    int groupEpoch;
    int assignmentEpoch;
    long metadataHash;
    final Map<String, ConsumerMemberValue> members = new TreeMap<>();
    final Map<String, Map<Uuid, Set<Integer>>> targets = new HashMap<>();
    final Map<String, String> staticMembers = new HashMap<>();

    ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String type() {
        return "consumer";
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    @Override
    public int memberCount() {
        return members.size();
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public String stateName() {
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerMemberValue m : members.values()) {
            if (m.memberEpoch() != assignmentEpoch || m.state() != MemberState.STABLE) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    Map<Uuid, Set<Integer>> target(String memberId) {
        return targets.getOrDefault(memberId, Map.of());
    }

    /**
     * Whether {@code (topic, partition)} is still owned (assigned or pending revocation) by a member other than
     * {@code exceptMemberId}: such a partition is "unreleased" and may not be handed to a new owner yet.
     */
    boolean ownedByOther(String exceptMemberId, Uuid topic, int partition) {
        for (Map.Entry<String, ConsumerMemberValue> e : members.entrySet()) {
            if (e.getKey().equals(exceptMemberId)) {
                continue;
            }
            ConsumerMemberValue m = e.getValue();
            if (Partitions.contains(m.assigned(), topic, partition)
                    || Partitions.contains(m.pendingRevocation(), topic, partition)) {
                return true;
            }
        }
        return false;
    }

    void applyMeta(GroupRecord.ConsumerGroupValue value) {
        groupEpoch = value.groupEpoch();
        assignmentEpoch = value.assignmentEpoch();
        metadataHash = value.metadataHash();
    }

    void applyMember(String memberId, ConsumerMemberValue value) {
        ConsumerMemberValue previous = value == null ? members.remove(memberId) : members.put(memberId, value);
        if (previous != null && previous.instanceId() != null
                && memberId.equals(staticMembers.get(previous.instanceId()))) {
            staticMembers.remove(previous.instanceId());
        }
        if (value != null && value.instanceId() != null) {
            staticMembers.put(value.instanceId(), memberId);
        }
    }

    void applyTarget(String memberId, Map<Uuid, Set<Integer>> partitions) {
        if (partitions == null) {
            targets.remove(memberId);
        } else {
            targets.put(memberId, partitions);
        }
    }
}
