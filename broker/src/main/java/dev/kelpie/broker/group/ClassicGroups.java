package dev.kelpie.broker.group;

import dev.kelpie.broker.group.ClassicGroupMember.Protocol;
import dev.kelpie.broker.group.GroupRecord.ClassicGroupMeta;
import dev.kelpie.broker.group.GroupRecord.ClassicGroupValue;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup and the classic rebalance state machine of one shard ({@link ClassicGroupState}): joins of new,
 * pending, known and static members, the join phase with its initial delay and rebalance timeout, its
 * completion (generation bump, protocol vote, JoinGroup answers) and the removal of members (leave, session
 * expiry, missed join or sync). SyncGroup, Heartbeat and LeaveGroup are in {@link ClassicMembership}.
 *
 * <p>Rules follow Kafka's classic coordinator: v4+ dynamic members without an id get MEMBER_ID_REQUIRED with
 * a new {@code clientId-UUID} id, which expires after the session timeout unless used; a session timeout
 * outside {@code group.min/max.session.timeout.ms} is INVALID_SESSION_TIMEOUT; a member whose protocols share
 * none with the group's, or whose protocol type differs, is INCONSISTENT_GROUP_PROTOCOL; a known member
 * rejoining a STABLE group with unchanged metadata (and not the leader) gets the current generation without a
 * rebalance; a static member ({@code group.instance.id}) rejoining with a new member id replaces the old id
 * (which is then fenced, FENCED_INSTANCE_ID) and, in a STABLE group whose chosen protocol does not change,
 * causes no rebalance. Member metadata larger than half of a {@code __consumer_offsets} batch cannot be stored
 * and is INVALID_REQUEST.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class ClassicGroups {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroups.class);
    /** How long a new member's JoinGroup may be held before it is dropped (Kafka's 5 minutes). */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;
    /** Room for the other fields of a member record next to its metadata and assignment. */
    private static final int MEMBER_RECORD_OVERHEAD_BYTES = 4096;

    private final GroupShard shard;

    ClassicGroups(GroupShard shard) {
        this.shard = shard;
    }

    static String heartbeatKey(String groupId, String memberId) {
        return "classic-heartbeat/" + groupId + "/" + memberId;
    }

    static String joinKey(String groupId) {
        return "classic-join/" + groupId;
    }

    static String syncKey(String groupId) {
        return "classic-sync/" + groupId;
    }

    /** The largest member metadata (or assignment) one member record can hold. */
    int memberBytesMax() {
        return Math.max(0, shard.batchBytesMax() / 2 - MEMBER_RECORD_OVERHEAD_BYTES);
    }

    // ------------------------------------------------------------------ JoinGroup

    CompletableFuture<JoinGroupResponseData> join(ClassicJoin join) {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        Errors invalid = validate(join);
        if (invalid != null) {
            response.complete(joinError(join.memberId(), invalid));
            return response;
        }
        Group existing = shard.groups.get(join.groupId());
        if (existing instanceof ConsumerGroup consumerGroup) {
            if (!consumerGroup.isEmpty()) {
                response.complete(joinError(join.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL));
                return response;
            }
            shard.consumer.deleteForConversion(consumerGroup);
            existing = null;
        }
        ClassicGroup group = (ClassicGroup) existing;
        boolean unknownMember = join.memberId().isEmpty();
        if (group == null) {
            if (!unknownMember) {
                response.complete(joinError(join.memberId(), Errors.UNKNOWN_MEMBER_ID));
                return response;
            }
            group = new ClassicGroup(join.groupId(), shard.nowMs());
            shard.groups.put(group.groupId(), group);
        }
        if (unknownMember) {
            joinNewMember(group, join, response);
        } else {
            joinExistingMember(group, join, response);
        }
        return response;
    }

    private Errors validate(ClassicJoin join) {
        GroupCoordinatorConfig config = shard.config;
        if (join.groupId() == null || join.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (join.sessionTimeoutMs() < config.sessionTimeoutMsMin()
                || join.sessionTimeoutMs() > config.sessionTimeoutMsMax()) {
            return Errors.INVALID_SESSION_TIMEOUT;
        }
        if (join.protocolType() == null || join.protocolType().isEmpty() || join.protocols().isEmpty()) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        int max = memberBytesMax();
        boolean oversized = join.metadataBytes() > shard.batchBytesMax()
                || join.protocols().stream().anyMatch(p -> p.metadata() != null && p.metadata().length > max);
        if (oversized) {
            LOG.info("Rejecting JoinGroup of {} to group {}: {} bytes of protocol metadata, at most {} per protocol",
                    join.clientId(), join.groupId(), join.metadataBytes(), max);
            return Errors.INVALID_REQUEST;
        }
        return null;
    }

    private void joinNewMember(ClassicGroup group, ClassicJoin join, CompletableFuture<JoinGroupResponseData> response) {
        if (group.is(ClassicGroupState.DEAD)) {
            response.complete(joinError("", Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(join.protocolType(), join.protocols())) {
            response.complete(joinError("", Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        String existingStatic = join.instanceId() == null ? null : group.staticMembers.get(join.instanceId());
        if (existingStatic == null && group.members.size() + group.pendingMembers.size() >= shard.config.groupSizeMax()) {
            response.complete(joinError("", Errors.GROUP_MAX_SIZE_REACHED));
            return;
        }
        String newMemberId = join.clientId() + "-" + UUID.randomUUID();
        if (existingStatic != null) {
            replaceStaticMember(group, existingStatic, newMemberId, join, response);
        } else if (join.instanceId() == null && join.version() >= 4) {
            group.pendingMembers.add(newMemberId);
            shard.timer.schedule(heartbeatKey(group.groupId(), newMemberId), join.sessionTimeoutMs(),
                    () -> expireHeartbeat(group, newMemberId));
            response.complete(new JoinGroupResponseData().setMemberId(newMemberId)
                    .setErrorCode(Errors.MEMBER_ID_REQUIRED.code()).setGenerationId(-1));
        } else {
            addMemberAndRebalance(group, newMemberId, join, response);
        }
    }

    private void joinExistingMember(ClassicGroup group, ClassicJoin join,
            CompletableFuture<JoinGroupResponseData> response) {
        String memberId = join.memberId();
        if (group.is(ClassicGroupState.DEAD)) {
            response.complete(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(join.protocolType(), join.protocols())) {
            response.complete(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (group.pendingMembers.remove(memberId)) {
            addMemberAndRebalance(group, memberId, join, response);
            return;
        }
        Errors memberError = validateMember(group, memberId, join.instanceId());
        if (memberError != null) {
            response.complete(joinError(memberId, memberError));
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, join, response);
            case COMPLETING_REBALANCE -> {
                if (member.matches(join.protocols())) {
                    response.complete(currentGeneration(group, memberId, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(group, member, join, response);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(join.protocols())) {
                    updateMemberAndRebalance(group, member, join, response);
                } else {
                    response.complete(currentGeneration(group, memberId, false));
                }
            }
            default -> response.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID when the caller is not (or no longer) the member. */
    static Errors validateMember(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId != null) {
            String current = group.staticMembers.get(instanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return group.member(memberId) == null ? Errors.UNKNOWN_MEMBER_ID : null;
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, ClassicJoin join,
            CompletableFuture<JoinGroupResponseData> response) {
        ClassicGroupMember member = new ClassicGroupMember(memberId, join.instanceId(), join.clientId(),
                join.clientHost(), join.rebalanceTimeoutMs(), join.sessionTimeoutMs(), join.protocols());
        member.isNew = true;
        member.awaitingJoin = response;
        if (group.members.isEmpty()) {
            group.protocolType = join.protocolType();
        }
        group.add(member);
        if (group.is(ClassicGroupState.PREPARING_REBALANCE) && group.initialDelayRunning) {
            group.newMemberAdded = true;
        }
        // a held JoinGroup hides disconnects: drop a new member that never completes its first join
        shard.timer.schedule(heartbeatKey(group.groupId(), memberId), NEW_MEMBER_JOIN_TIMEOUT_MS,
                () -> expireHeartbeat(group, memberId));
        maybePrepareRebalance(group, "member " + memberId + " joined");
    }

    private void updateMemberAndRebalance(ClassicGroup group, ClassicGroupMember member, ClassicJoin join,
            CompletableFuture<JoinGroupResponseData> response) {
        member.protocols = join.protocols();
        member.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        member.sessionTimeoutMs = join.sessionTimeoutMs();
        if (member.awaitingJoin != null && member.awaitingJoin != response) {
            // a retried JoinGroup supersedes the held one; answer the old connection so nothing leaks
            member.awaitingJoin.complete(joinError(member.memberId(), Errors.UNKNOWN_MEMBER_ID));
        }
        member.awaitingJoin = response;
        maybePrepareRebalance(group, "member " + member.memberId() + " rejoined");
    }

    /** A static member rejoins with a new member id: the old id is fenced. */
    private void replaceStaticMember(ClassicGroup group, String oldMemberId, String newMemberId, ClassicJoin join,
            CompletableFuture<JoinGroupResponseData> response) {
        ClassicGroupMember member = group.member(oldMemberId);
        fence(member);
        shard.timer.cancel(heartbeatKey(group.groupId(), oldMemberId));
        String protocolBefore = group.is(ClassicGroupState.STABLE) ? group.protocolName : null;
        group.replaceStaticMember(join.instanceId(), oldMemberId, newMemberId);
        member.clientId = join.clientId();
        member.clientHost = join.clientHost();
        LOG.info("Static member {} of group {} rejoined as {} (was {})", join.instanceId(), group.groupId(),
                newMemberId, oldMemberId);
        if (protocolBefore == null) {
            updateMemberAndRebalance(group, member, join, response);
            return;
        }
        List<Protocol> previous = member.protocols;
        member.protocols = join.protocols();
        if (!protocolBefore.equals(group.selectProtocol())) {
            member.protocols = previous;
            updateMemberAndRebalance(group, member, join, response);
            return;
        }
        member.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        member.sessionTimeoutMs = join.sessionTimeoutMs();
        scheduleHeartbeat(group, member);
        persistStaticReplacement(group, member, oldMemberId, join, response);
    }

    private void persistStaticReplacement(ClassicGroup group, ClassicGroupMember member, String oldMemberId,
            ClassicJoin join, CompletableFuture<JoinGroupResponseData> response) {
        List<GroupRecord> records = new ArrayList<>();
        records.add(new GroupRecord.ClassicMember(group.groupId(), oldMemberId, null));
        records.add(new GroupRecord.ClassicMember(group.groupId(), member.memberId(),
                group.memberValue(member, group.protocolName, member.assignment)));
        records.add(metaRecord(group, group.generation, group.protocolName, group.leaderId,
                group.stateTimestampMs));
        group.departedMembers.remove(oldMemberId);
        boolean leader = group.isLeader(member.memberId());
        boolean skipAssignment = leader && join.version() >= 9;
        shard.append(records).whenComplete((v, e) -> {
            if (e != null) {
                response.complete(joinError(member.memberId(), Errors.forException(GroupShard.unwrap(e))));
                return;
            }
            JoinGroupResponseData data = currentGeneration(group, member.memberId(), skipAssignment);
            response.complete(data.setSkipAssignment(skipAssignment));
        });
    }

    // ------------------------------------------------------------------ the join phase

    void maybePrepareRebalance(ClassicGroup group, String reason) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE, EMPTY -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> { }
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(ClassicGroupState.COMPLETING_REBALANCE)) {
            resetAssignmentsWithError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        shard.timer.cancel(syncKey(group.groupId()));
        group.pendingSyncMembers.clear();
        boolean initial = group.is(ClassicGroupState.EMPTY);
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE, shard.nowMs());
        LOG.info("Preparing to rebalance group {} in generation {}: {}", group.groupId(), group.generation, reason);
        int rebalanceTimeoutMs = group.rebalanceTimeoutMs();
        int delayMs = shard.config.initialRebalanceDelayMs();
        if (initial && delayMs > 0) {
            group.initialDelayRunning = true;
            group.newMemberAdded = false;
            int first = Math.min(delayMs, rebalanceTimeoutMs);
            int remaining = Math.max(rebalanceTimeoutMs - delayMs, 0);
            shard.timer.schedule(joinKey(group.groupId()), first, () -> initialDelayExpired(group, remaining));
        } else {
            shard.timer.schedule(joinKey(group.groupId()), rebalanceTimeoutMs, () -> completeJoin(group));
            tryCompleteJoin(group);
        }
    }

    private void initialDelayExpired(ClassicGroup group, int remainingMs) {
        if (!group.is(ClassicGroupState.PREPARING_REBALANCE)) {
            return;
        }
        int delayMs = shard.config.initialRebalanceDelayMs();
        if (group.newMemberAdded && remainingMs > 0) {
            group.newMemberAdded = false;
            int next = Math.min(delayMs, remainingMs);
            int left = Math.max(remainingMs - delayMs, 0);
            shard.timer.schedule(joinKey(group.groupId()), next, () -> initialDelayExpired(group, left));
            return;
        }
        group.initialDelayRunning = false;
        completeJoin(group);
    }

    void tryCompleteJoin(ClassicGroup group) {
        if (group.is(ClassicGroupState.PREPARING_REBALANCE) && !group.initialDelayRunning
                && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /** Ends the join phase: drops members that did not rejoin, bumps the generation, answers the joins. */
    void completeJoin(ClassicGroup group) {
        if (!group.is(ClassicGroupState.PREPARING_REBALANCE)) {
            return;
        }
        shard.timer.cancel(joinKey(group.groupId()));
        group.initialDelayRunning = false;
        for (ClassicGroupMember m : new ArrayList<>(group.members.values())) {
            if (!m.isAwaitingJoin() && !m.isStatic()) {
                group.remove(m.memberId());
                shard.timer.cancel(heartbeatKey(group.groupId(), m.memberId()));
                LOG.info("Removed member {} of group {}: it did not rejoin in time", m.memberId(), group.groupId());
            }
        }
        if (!group.members.isEmpty() && group.members.values().stream().noneMatch(ClassicGroupMember::isAwaitingJoin)) {
            // only absent static members are left: wait for them (or for their sessions to expire)
            shard.timer.schedule(joinKey(group.groupId()), group.rebalanceTimeoutMs(), () -> completeJoin(group));
            return;
        }
        ClassicGroupMember leader = group.leaderId == null ? null : group.member(group.leaderId);
        if (leader == null || !leader.isAwaitingJoin()) {
            group.leaderId = group.members.values().stream().filter(ClassicGroupMember::isAwaitingJoin)
                    .map(ClassicGroupMember::memberId).findFirst().orElse(null);
        }
        if (group.members.isEmpty()) {
            completeEmpty(group);
        } else {
            completeWithMembers(group);
        }
    }

    private void completeEmpty(ClassicGroup group) {
        List<GroupRecord> records = departedTombstones(group);
        records.add(metaRecord(group, group.generation + 1, null, null, shard.nowMs()));
        shard.append(records);
        group.transitionTo(ClassicGroupState.EMPTY, shard.nowMs());
        LOG.info("Group {} is empty at generation {}", group.groupId(), group.generation);
    }

    private void completeWithMembers(ClassicGroup group) {
        String protocol = group.selectProtocol();
        List<GroupRecord> records = departedTombstones(group);
        records.add(metaRecord(group, group.generation + 1, protocol, group.leaderId, shard.nowMs()));
        for (ClassicGroupMember m : group.members.values()) {
            if (m.supports(protocol)) {
                records.add(new GroupRecord.ClassicMember(group.groupId(), m.memberId(),
                        group.memberValue(m, protocol, ClassicGroupMember.EMPTY_ASSIGNMENT)));
            }
        }
        shard.append(records);
        group.transitionTo(ClassicGroupState.COMPLETING_REBALANCE, shard.nowMs());
        LOG.info("Group {} moves to generation {} with {} members, protocol {}", group.groupId(), group.generation,
                group.members.size(), protocol);
        for (ClassicGroupMember m : group.members.values()) {
            if (m.awaitingJoin != null) {
                CompletableFuture<JoinGroupResponseData> held = m.awaitingJoin;
                m.awaitingJoin = null;
                held.complete(currentGeneration(group, m.memberId(), group.isLeader(m.memberId())));
            }
            m.isNew = false;
            group.pendingSyncMembers.add(m.memberId());
            scheduleHeartbeat(group, m);
        }
        int generation = group.generation;
        shard.timer.schedule(syncKey(group.groupId()), group.rebalanceTimeoutMs(),
                () -> expirePendingSync(group, generation));
    }

    private List<GroupRecord> departedTombstones(ClassicGroup group) {
        List<GroupRecord> records = new ArrayList<>();
        for (String memberId : group.departedMembers) {
            records.add(new GroupRecord.ClassicMember(group.groupId(), memberId, null));
        }
        group.departedMembers.clear();
        return records;
    }

    static GroupRecord metaRecord(ClassicGroup group, int generation, String protocol, String leader,
            long stateTimestampMs) {
        return new ClassicGroupMeta(group.groupId(), new ClassicGroupValue(group.protocolType, generation, protocol,
                leader, stateTimestampMs));
    }

    private void expirePendingSync(ClassicGroup group, int generation) {
        if (group.generation != generation || group.pendingSyncMembers.isEmpty()
                || !(group.is(ClassicGroupState.COMPLETING_REBALANCE) || group.is(ClassicGroupState.STABLE))) {
            return;
        }
        List<String> missing = new ArrayList<>(group.pendingSyncMembers);
        LOG.info("Removing members {} of group {}: no SyncGroup within the rebalance timeout", missing,
                group.groupId());
        for (String memberId : missing) {
            ClassicGroupMember m = group.remove(memberId);
            shard.timer.cancel(heartbeatKey(group.groupId(), memberId));
            if (m != null) {
                fence(m);
            }
        }
        prepareRebalance(group, "members " + missing + " did not sync");
    }

    // ------------------------------------------------------------------ members leaving

    /** Session expiry: a member (or pending member id) that did not heartbeat in time. */
    void expireHeartbeat(ClassicGroup group, String memberId) {
        if (group.pendingMembers.remove(memberId)) {
            tryCompleteJoin(group);
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        if (member == null || group.is(ClassicGroupState.DEAD)) {
            return;
        }
        if (!member.isNew && (member.isAwaitingJoin() || member.awaitingSync != null)) {
            return;
        }
        removeMemberAndRebalance(group, member, "session timeout of " + memberId + " expired");
    }

    /** Removes a member and rebalances (or completes the running join phase without it). */
    void removeMemberAndRebalance(ClassicGroup group, ClassicGroupMember member, String reason) {
        fence(member);
        group.remove(member.memberId());
        shard.timer.cancel(heartbeatKey(group.groupId(), member.memberId()));
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> { }
        }
    }

    /** Answers whatever the member's connection waits for with UNKNOWN_MEMBER_ID. */
    private static void fence(ClassicGroupMember member) {
        Errors error = member.isStatic() ? Errors.FENCED_INSTANCE_ID : Errors.UNKNOWN_MEMBER_ID;
        if (member.awaitingJoin != null) {
            member.awaitingJoin.complete(joinError(member.memberId(), error));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(new SyncGroupResponseData().setErrorCode(error.code())
                    .setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT));
            member.awaitingSync = null;
        }
    }

    /** A rebalance interrupts the sync phase: held syncs get {@code error}, assignments are cleared. */
    void resetAssignmentsWithError(ClassicGroup group, Errors error) {
        for (ClassicGroupMember m : group.members.values()) {
            m.assignment = ClassicGroupMember.EMPTY_ASSIGNMENT;
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(new SyncGroupResponseData().setErrorCode(error.code())
                        .setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT));
                m.awaitingSync = null;
            }
        }
    }

    void scheduleHeartbeat(ClassicGroup group, ClassicGroupMember member) {
        shard.timer.schedule(heartbeatKey(group.groupId(), member.memberId()), member.sessionTimeoutMs,
                () -> expireHeartbeat(group, member.memberId()));
    }

    // ------------------------------------------------------------------ answers

    static JoinGroupResponseData currentGeneration(ClassicGroup group, String memberId, boolean withMembers) {
        List<JoinGroupResponseMember> members = new ArrayList<>();
        if (withMembers) {
            for (ClassicGroupMember m : group.members.values()) {
                byte[] metadata = m.metadata(group.protocolName);
                if (metadata != null) {
                    members.add(new JoinGroupResponseMember().setMemberId(m.memberId())
                            .setGroupInstanceId(m.instanceId).setMetadata(metadata));
                }
            }
        }
        return new JoinGroupResponseData().setErrorCode(Errors.NONE.code()).setMemberId(memberId)
                .setGenerationId(group.generation).setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName).setLeader(group.leaderId).setSkipAssignment(false)
                .setMembers(members);
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setMemberId(memberId == null ? "" : memberId)
                .setGenerationId(-1).setProtocolType(null).setProtocolName(null).setLeader("");
    }
}
