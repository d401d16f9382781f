package dev.kelpie.broker.group;

import dev.kelpie.broker.group.GroupRecord.ConsumerMemberValue;
import dev.kelpie.broker.group.GroupRecord.MemberState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Moves one KIP-848 member from its current assignment towards its target, one heartbeat at a time, so that a
 * partition never has two owners:
 *
 * <ol>
 *   <li>Partitions the member owns but its target does not (or of topics it no longer subscribes to) must be
 *       revoked first: the member stays at its epoch in UNREVOKED_PARTITIONS, keeping only what it may keep,
 *       until a heartbeat's owned partitions no longer list the revoked ones.</li>
 *   <li>Then it moves to the target epoch and gets every target partition no other member still owns (assigned
 *       or pending revocation); those others are "unreleased": the member waits for them in
 *       UNRELEASED_PARTITIONS and gets them on a later heartbeat, once their old owner released them.</li>
 *   <li>With everything in hand it is STABLE at the target epoch.</li>
 * </ol>
 *
 * <p>Stateless; the group is read on its shard's thread.
 */
final class MemberReconciler {
    private MemberReconciler() {
    }

    /**
     * @param owned the partitions the member's heartbeat reports as owned, null when it did not say
     * @return the member's next value (the same object when nothing changes)
     */
    static ConsumerMemberValue reconcile(ConsumerGroup group, String memberId, ConsumerMemberValue member,
            Set<Uuid> subscribed, int targetEpoch, Map<Uuid, Set<Integer>> target, Map<Uuid, Set<Integer>> owned) {
        return switch (member.state()) {
            case STABLE -> member.memberEpoch() == targetEpoch ? member
                    : next(group, memberId, member, subscribed, targetEpoch, target, owned);
            case UNREVOKED_PARTITIONS -> ownsAny(owned, member.pendingRevocation()) ? member
                    : next(group, memberId, member, subscribed, targetEpoch, target, owned);
            case UNRELEASED_PARTITIONS -> next(group, memberId, member, subscribed, targetEpoch, target, owned);
        };
    }

    private static ConsumerMemberValue next(ConsumerGroup group, String memberId, ConsumerMemberValue member,
            Set<Uuid> subscribed, int targetEpoch, Map<Uuid, Set<Integer>> target, Map<Uuid, Set<Integer>> owned) {
        Map<Uuid, Set<Integer>> keep = new HashMap<>();
        Map<Uuid, Set<Integer>> revoke = new HashMap<>();
        Map<Uuid, Set<Integer>> add = new HashMap<>();
        boolean unreleased = false;
        Set<Uuid> topics = new HashSet<>(target.keySet());
        topics.addAll(member.assigned().keySet());
        for (Uuid topic : topics) {
            Set<Integer> wanted = subscribed.contains(topic) ? target.getOrDefault(topic, Set.of()) : Set.of();
            Set<Integer> current = member.assigned().getOrDefault(topic, Set.of());
            Set<Integer> kept = new TreeSet<>(current);
            kept.retainAll(wanted);
            Set<Integer> revoked = new TreeSet<>(current);
            revoked.removeAll(kept);
            Set<Integer> added = new TreeSet<>(wanted);
            added.removeAll(kept);
            for (int p : Set.copyOf(added)) {
                if (group.ownedByOther(memberId, topic, p)
                        && !Partitions.contains(member.pendingRevocation(), topic, p)) {
                    added.remove(p);
                    unreleased = true;
                }
            }
            keep.put(topic, kept);
            revoke.put(topic, revoked);
            add.put(topic, added);
        }
        Map<Uuid, Set<Integer>> toRevoke = Partitions.copy(revoke);
        if (!toRevoke.isEmpty() && ownsAny(owned, toRevoke)) {
            return with(member, member.memberEpoch(), MemberState.UNREVOKED_PARTITIONS, Partitions.copy(keep),
                    toRevoke);
        }
        Map<Uuid, Set<Integer>> assigned = Partitions.union(keep, add);
        MemberState state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
        return with(member, targetEpoch, state, assigned, Map.of());
    }

    /** True when {@code owned} (null = unknown, assumed yes) lists any of {@code partitions}. */
    private static boolean ownsAny(Map<Uuid, Set<Integer>> owned, Map<Uuid, Set<Integer>> partitions) {
        if (owned == null) {
            return true;
        }
        return !Partitions.intersect(owned, partitions).isEmpty();
    }

    private static ConsumerMemberValue with(ConsumerMemberValue m, int epoch, MemberState state,
            Map<Uuid, Set<Integer>> assigned, Map<Uuid, Set<Integer>> pendingRevocation) {
        return new ConsumerMemberValue(m.instanceId(), m.rackId(), m.clientId(), m.clientHost(),
                m.subscribedTopicNames(), m.subscribedTopicRegex(), m.serverAssignor(), m.rebalanceTimeoutMs(), epoch,
                m.memberEpoch(), state, assigned, pendingRevocation);
    }
}
