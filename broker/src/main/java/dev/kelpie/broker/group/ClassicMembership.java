package dev.kelpie.broker.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SyncGroup, Heartbeat and LeaveGroup of classic groups (the join phase is {@link ClassicGroups}).
 *
 * <ul>
 *   <li>SyncGroup: unknown group or member UNKNOWN_MEMBER_ID, a replaced static member FENCED_INSTANCE_ID, another
 *       generation ILLEGAL_GENERATION, another protocol type or name (v5) INCONSISTENT_GROUP_PROTOCOL; during
 *       the join phase REBALANCE_IN_PROGRESS. In COMPLETING_REBALANCE followers wait; the leader's assignment is
 *       written to {@code __consumer_offsets} and, once durable, every waiting member gets its part and the group
 *       is STABLE. In STABLE the member gets its assignment at once.</li>
 *   <li>Heartbeat: the same member and generation checks; REBALANCE_IN_PROGRESS during the join phase (the
 *       member must rejoin); every accepted heartbeat restarts the member's session timer.</li>
 *   <li>LeaveGroup: by member id, or (v3+, batched) by instance id; an instance id naming another member id is
 *       FENCED_INSTANCE_ID. Leaving members are removed and the group rebalances.</li>
 * </ul>
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class ClassicMembership {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicMembership.class);

    /** A SyncGroup request; {@code protocolType}/{@code protocolName} are null before v5. */
    record SyncArgs(String groupId, int generation, String memberId, String instanceId, String protocolType,
            String protocolName, Map<String, byte[]> assignments) {}

    private final GroupShard shard;
    private final ClassicGroups classic;

    ClassicMembership(GroupShard shard, ClassicGroups classic) {
        this.shard = shard;
        this.classic = classic;
    }

    CompletableFuture<SyncGroupResponseData> sync(SyncArgs sync) {
        ClassicGroup group = shard.groups.get(sync.groupId()) instanceof ClassicGroup g ? g : null;
        Errors error = validateSync(group, sync);
        if (error != null) {
            return CompletableFuture.completedFuture(syncAnswer(group, error, ClassicGroupMember.EMPTY_ASSIGNMENT));
        }
        ClassicGroupMember member = group.member(sync.memberId());
        if (group.is(ClassicGroupState.PREPARING_REBALANCE)) {
            return CompletableFuture.completedFuture(syncAnswer(group, Errors.REBALANCE_IN_PROGRESS,
                    ClassicGroupMember.EMPTY_ASSIGNMENT));
        }
        group.pendingSyncMembers.remove(member.memberId());
        classic.scheduleHeartbeat(group, member);
        if (group.is(ClassicGroupState.STABLE)) {
            return CompletableFuture.completedFuture(syncAnswer(group, Errors.NONE, member.assignment));
        }
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(syncAnswer(group, Errors.REBALANCE_IN_PROGRESS,
                    ClassicGroupMember.EMPTY_ASSIGNMENT));
        }
        member.awaitingSync = response;
        if (group.isLeader(member.memberId())) {
            storeAssignment(group, sync, member);
        }
        return response;
    }

    private Errors validateSync(ClassicGroup group, SyncArgs sync) {
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(ClassicGroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors memberError = ClassicGroups.validateMember(group, sync.memberId(), sync.instanceId());
        if (memberError != null) {
            return memberError;
        }
        if (sync.generation() != group.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (sync.protocolType() != null && !sync.protocolType().equals(group.protocolType)
                || sync.protocolName() != null && !sync.protocolName().equals(group.protocolName)) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return null;
    }

    private void storeAssignment(ClassicGroup group, SyncArgs sync, ClassicGroupMember leader) {
        int max = classic.memberBytesMax();
        for (Map.Entry<String, byte[]> e : sync.assignments().entrySet()) {
            if (e.getValue() != null && e.getValue().length > max) {
                LOG.info("Rejecting the assignment of group {}: {} bytes for member {}, at most {}", group.groupId(),
                        e.getValue().length, e.getKey(), max);
                leader.awaitingSync.complete(syncAnswer(group, Errors.INVALID_REQUEST,
                        ClassicGroupMember.EMPTY_ASSIGNMENT));
                leader.awaitingSync = null;
                return;
            }
        }
        List<GroupRecord> records = new ArrayList<>();
        for (ClassicGroupMember m : group.members.values()) {
            byte[] assignment = sync.assignments().getOrDefault(m.memberId(), ClassicGroupMember.EMPTY_ASSIGNMENT);
            if (m.supports(group.protocolName)) {
                records.add(new GroupRecord.ClassicMember(group.groupId(), m.memberId(),
                        group.memberValue(m, group.protocolName, assignment)));
            }
        }
        int generation = group.generation;
        shard.append(records).whenComplete((v, e) -> {
            if (group.generation != generation || !group.is(ClassicGroupState.COMPLETING_REBALANCE)) {
                return;
            }
            if (e != null) {
                classic.resetAssignmentsWithError(group, Errors.forException(GroupShard.unwrap(e)));
                classic.prepareRebalance(group, "the assignment could not be stored");
                return;
            }
            group.transitionTo(ClassicGroupState.STABLE, shard.nowMs());
            LOG.info("Group {} is stable at generation {}", group.groupId(), generation);
            for (ClassicGroupMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(syncAnswer(group, Errors.NONE, m.assignment));
                    m.awaitingSync = null;
                }
            }
        });
    }

    static SyncGroupResponseData syncAnswer(ClassicGroup group, Errors error, byte[] assignment) {
        SyncGroupResponseData data = new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(assignment);
        if (group != null && error == Errors.NONE) {
            data.setProtocolType(group.protocolType).setProtocolName(group.protocolName);
        }
        return data;
    }

    Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
        ClassicGroup group = shard.groups.get(groupId) instanceof ClassicGroup g ? g : null;
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(ClassicGroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors memberError = ClassicGroups.validateMember(group, memberId, instanceId);
        if (memberError != null) {
            return memberError;
        }
        if (generation != group.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        classic.scheduleHeartbeat(group, group.member(memberId));
        return group.is(ClassicGroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /** LeaveGroup; the top-level error is set when the group itself is unknown. */
    LeaveGroupResponseData leave(String groupId, List<MemberIdentity> leaving) {
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        ClassicGroup group = shard.groups.get(groupId) instanceof ClassicGroup g ? g : null;
        if (group == null) {
            return response.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        }
        if (group.is(ClassicGroupState.DEAD)) {
            return response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        for (MemberIdentity identity : leaving) {
            Errors error = leaveOne(group, identity);
            response.members().add(new MemberResponse().setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId()).setErrorCode(error.code()));
        }
        return response.setErrorCode(Errors.NONE.code());
    }

    private Errors leaveOne(ClassicGroup group, MemberIdentity identity) {
        String memberId = identity.memberId() == null ? "" : identity.memberId();
        String instanceId = identity.groupInstanceId();
        if (instanceId != null) {
            String current = group.staticMembers.get(instanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            memberId = current;
        } else if (group.pendingMembers.remove(memberId)) {
            shard.timer.cancel(ClassicGroups.heartbeatKey(group.groupId(), memberId));
            classic.tryCompleteJoin(group);
            return Errors.NONE;
        }
        ClassicGroupMember member = group.member(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        LOG.info("Member {} leaves group {}{}", memberId, group.groupId(),
                identity.reason() == null ? "" : ": " + identity.reason());
        classic.removeMemberAndRebalance(group, member, "member " + memberId + " left");
        return Errors.NONE;
    }
}
