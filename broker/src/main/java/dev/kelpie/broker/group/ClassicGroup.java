package dev.kelpie.broker.group;

import dev.kelpie.broker.group.ClassicGroupMember.Protocol;
import dev.kelpie.broker.group.GroupRecord.ClassicGroupValue;
import dev.kelpie.broker.group.GroupRecord.ClassicMemberValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classic-protocol group ({@code JoinGroup}/{@code SyncGroup}), see {@link ClassicGroupState}.
 *
 * <p><b>Durable and in-memory state.</b> The generation, protocol type and name, leader, state timestamp and
 * the members with their metadata and assignment are what {@link GroupRecord.ClassicGroupMeta} and
 * {@link GroupRecord.ClassicMember} records carry; they change only in {@link #apply} (replay). The coordinator
 * writes them when a join phase completes, when the leader's assignment arrives and when the group empties.
 * Between those points members join and leave in memory, as in Kafka; the state, pending member ids, held
 * answers and timers are never persisted. After a restart a group with members is STABLE (or rebalances when
 * its last record was a join without an assignment), an empty one EMPTY.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class ClassicGroup implements Group {
    private final String groupId;
    ClassicGroupState state = ClassicGroupState.EMPTY;
    String protocolType;
    int generation;
    String protocolName;
    String leaderId;
    long stateTimestampMs;
    final Map<String, ClassicGroupMember> members = new LinkedHashMap<>();
    /** group.instance.id → member id of static members. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
    final Set<String> pendingMembers = new HashSet<>();
    /** Members of the generation that have not sent SyncGroup yet. */
    final Set<String> pendingSyncMembers = new HashSet<>();
    /** Members removed since the last records were written: their tombstones go out with the next ones. */
    final Set<String> departedMembers = new LinkedHashSet<>();
    /** The initial delay of an empty group's first rebalance is running: joins do not complete it early. */
    boolean initialDelayRunning;
    /** A member arrived during the initial delay: extend it once more. */
    boolean newMemberAdded;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String type() {
        return "classic";
    }

    @Override
    public String stateName() {
        return state.kafkaName();
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    @Override
    public int memberCount() {
        return members.size();
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    boolean is(ClassicGroupState s) {
        return state == s;
    }

    void transitionTo(ClassicGroupState next, long nowMs) {
        state = next;
        stateTimestampMs = nowMs;
    }

    ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    void add(ClassicGroupMember member) {
        members.put(member.memberId(), member);
        departedMembers.remove(member.memberId());
        if (member.isStatic()) {
            staticMembers.put(member.instanceId, member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    /** Removes a member in memory; its tombstone is written with the group's next records. */
    ClassicGroupMember remove(String memberId) {
        ClassicGroupMember member = members.remove(memberId);
        if (member == null) {
            return null;
        }
        departedMembers.add(memberId);
        pendingSyncMembers.remove(memberId);
        if (member.isStatic() && memberId.equals(staticMembers.get(member.instanceId))) {
            staticMembers.remove(member.instanceId);
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return member;
    }

    /** Moves a static member to a new member id; the old id becomes unknown (fenced). */
    ClassicGroupMember replaceStaticMember(String instanceId, String oldMemberId, String newMemberId) {
        ClassicGroupMember member = members.remove(oldMemberId);
        if (member == null) {
            throw new IllegalArgumentException("No member " + oldMemberId + " for instance " + instanceId);
        }
        member.renameTo(newMemberId);
        members.put(newMemberId, member);
        departedMembers.add(oldMemberId);
        staticMembers.put(instanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        return member;
    }

    /** Largest rebalance timeout of the members: how long a join phase may last. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicGroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    boolean hasAllMembersJoined() {
        for (ClassicGroupMember m : members.values()) {
            if (!m.isAwaitingJoin()) {
                return false;
            }
        }
        return pendingMembers.isEmpty();
    }

    /** Protocols every member supports. */
    Set<String> candidateProtocols() {
        Set<String> candidates = null;
        for (ClassicGroupMember m : members.values()) {
            Set<String> names = new LinkedHashSet<>();
            m.protocols.forEach(p -> names.add(p.name()));
            if (candidates == null) {
                candidates = names;
            } else {
                candidates.retainAll(names);
            }
        }
        return candidates == null ? Set.of() : candidates;
    }

    /** Whether a member with this protocol type and protocols may join (Kafka's {@code supportsProtocols}). */
    boolean supportsProtocols(String type, Collection<Protocol> protocols) {
        if (members.isEmpty()) {
            return type != null && !type.isEmpty() && !protocols.isEmpty();
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        Set<String> candidates = candidateProtocols();
        return protocols.stream().anyMatch(p -> candidates.contains(p.name()));
    }

    /**
     * Chooses the generation's protocol by vote: each member votes for the first of its protocols that every
     * member supports; most votes wins, ties go to the protocol the leader prefers.
     */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        if (candidates.isEmpty()) {
            throw new IllegalStateException("Group " + groupId + " has no protocol every member supports");
        }
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicGroupMember m : members.values()) {
            m.protocols.stream().map(Protocol::name).filter(candidates::contains).findFirst()
                    .ifPresent(name -> votes.merge(name, 1, Integer::sum));
        }
        List<String> order = new ArrayList<>();
        ClassicGroupMember leader = leaderId == null ? null : members.get(leaderId);
        if (leader != null) {
            leader.protocols.forEach(p -> order.add(p.name()));
        }
        order.addAll(candidates);
        String best = null;
        for (String name : order) {
            if (votes.containsKey(name) && (best == null || votes.get(name) > votes.get(best))) {
                best = name;
            }
        }
        return best;
    }

    /** Replay of the group's identity record. */
    void apply(ClassicGroupValue value) {
        protocolType = value.protocolType();
        generation = value.generation();
        protocolName = value.protocolName();
        leaderId = value.leaderId();
        stateTimestampMs = value.stateTimestampMs();
    }

    /** Replay of one member record; a member unknown in memory (loading) is created with the stored protocol. */
    void apply(String memberId, ClassicMemberValue value) {
        ClassicGroupMember member = members.get(memberId);
        if (member == null) {
            member = new ClassicGroupMember(memberId, value.instanceId(), value.clientId(), value.clientHost(),
                    value.rebalanceTimeoutMs(), value.sessionTimeoutMs(),
                    List.of(new Protocol(value.protocolName(), value.subscription())));
            add(member);
        }
        member.clientId = value.clientId();
        member.clientHost = value.clientHost();
        member.rebalanceTimeoutMs = value.rebalanceTimeoutMs();
        member.sessionTimeoutMs = value.sessionTimeoutMs();
        member.assignment = value.assignment() == null ? ClassicGroupMember.EMPTY_ASSIGNMENT : value.assignment();
        departedMembers.remove(memberId);
    }

    /** Replay of one member tombstone. */
    void applyRemoval(String memberId) {
        if (members.containsKey(memberId)) {
            remove(memberId);
        }
        departedMembers.remove(memberId);
    }

    /** The member record as it would be persisted now. */
    ClassicMemberValue memberValue(ClassicGroupMember m, String protocol, byte[] assignment) {
        return new ClassicMemberValue(m.instanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
                m.sessionTimeoutMs, protocol, m.metadata(protocol), assignment);
    }
}
