package dev.kelpie.broker.group;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One record of {@code __consumer_offsets}: a key naming one piece of coordinator state and its new value, or
 * no value (a tombstone: the state is gone; compaction later drops both). The byte encoding is
 * {@link GroupRecordSerde}'s.
 *
 * <p>Each key names state that is replaced whole, so compaction, which keeps the latest value per key, keeps
 * exactly what replay needs:
 * <ul>
 *   <li>{@link Offset}: the committed offset of one group, topic and partition;</li>
 *   <li>{@link ClassicGroupMeta}: a classic group's generation, protocol and leader;</li>
 *   <li>{@link ClassicMember}: one classic member, its subscription for the group's protocol and its
 *       assignment;</li>
 *   <li>{@link ConsumerGroupMeta}: a consumer (KIP-848) group's group epoch, assignment epoch and the hash of
 *       the topic metadata its target assignment was computed from;</li>
 *   <li>{@link ConsumerMember}: one consumer member: subscription, epochs, reconciliation state, assigned and
 *       pending-revocation partitions;</li>
 *   <li>{@link ConsumerTarget}: one consumer member's target assignment.</li>
 * </ul>
 *
 * <p>Immutable.
 */
public sealed interface GroupRecord {

    String groupId();

    /** True when the record deletes its key's state. */
    boolean isTombstone();

    /** A committed offset; {@code value == null} deletes it. */
    record Offset(String groupId, String topic, int partition, OffsetValue value) implements GroupRecord {
        public Offset {
            Objects.requireNonNull(groupId);
            Objects.requireNonNull(topic);
        }

        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /**
     * @param offset the next offset to consume
     * @param leaderEpoch the leader epoch of the last consumed record, -1 if unknown
     * @param metadata the client's metadata string (never null)
     * @param commitTimestampMs when the broker accepted the commit
     */
    record OffsetValue(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
        public OffsetValue {
            Objects.requireNonNull(metadata);
        }
    }

    /** A classic group's identity; {@code value == null} deletes the group (with its members). */
    record ClassicGroupMeta(String groupId, ClassicGroupValue value) implements GroupRecord {
        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /**
     * @param protocolType e.g. {@code consumer}; null before the first member joined
     * @param generation the generation, bumped by every completed join phase
     * @param protocolName the protocol chosen for {@code generation}, null when the group is empty
     * @param leaderId the leader of {@code generation}, null when the group is empty
     * @param stateTimestampMs when the group entered its current state (offsets expire relative to the time the
     *     group became empty)
     */
    record ClassicGroupValue(String protocolType, int generation, String protocolName, String leaderId,
            long stateTimestampMs) {}

    /** One member of a classic group; {@code value == null} removes it. */
    record ClassicMember(String groupId, String memberId, ClassicMemberValue value) implements GroupRecord {
        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /**
     * @param instanceId {@code group.instance.id} of a static member, else null
     * @param subscription the member's metadata for the group's protocol
     * @param assignment what the leader assigned to it in the generation (empty before SyncGroup)
     */
    record ClassicMemberValue(String instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
            int sessionTimeoutMs, String protocolName, byte[] subscription, byte[] assignment) {}

    /** A consumer group's epochs; {@code value == null} deletes the group. */
    record ConsumerGroupMeta(String groupId, ConsumerGroupValue value) implements GroupRecord {
        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /**
     * @param groupEpoch bumped by every change of members, subscriptions or subscribed topics' partitions
     * @param assignmentEpoch the group epoch the target assignment was computed for
     * @param metadataHash hash of the subscribed topics' ids and partition counts at {@code groupEpoch}
     */
    record ConsumerGroupValue(int groupEpoch, int assignmentEpoch, long metadataHash) {}

    /** One member of a consumer group; {@code value == null} removes it. */
    record ConsumerMember(String groupId, String memberId, ConsumerMemberValue value) implements GroupRecord {
        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /**
     * @param memberEpoch the member's epoch; -2 for a static member that left temporarily
     * @param previousMemberEpoch its epoch before the last bump (a heartbeat whose answer was lost may use it)
     * @param state reconciliation state
     * @param assigned partitions the member owns (topic id → partitions)
     * @param pendingRevocation partitions it must give up before it moves to a new epoch
     */
    record ConsumerMemberValue(String instanceId, String rackId, String clientId, String clientHost,
            List<String> subscribedTopicNames, String subscribedTopicRegex, String serverAssignor,
            int rebalanceTimeoutMs, int memberEpoch, int previousMemberEpoch, MemberState state,
            Map<Uuid, Set<Integer>> assigned, Map<Uuid, Set<Integer>> pendingRevocation) {
        public ConsumerMemberValue {
            subscribedTopicNames = List.copyOf(subscribedTopicNames);
            assigned = Partitions.copy(assigned);
            pendingRevocation = Partitions.copy(pendingRevocation);
        }
    }

    /** A consumer member's target assignment; {@code value == null} removes it. */
    record ConsumerTarget(String groupId, String memberId, Map<Uuid, Set<Integer>> value) implements GroupRecord {
        public ConsumerTarget {
            value = value == null ? null : Partitions.copy(value);
        }

        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /** KIP-848 member reconciliation states (Kafka's {@code MemberState}). */
    enum MemberState {
        /** Owns exactly its target at the current epoch. */
        STABLE(0),
        /** Must revoke partitions before it may move to the new epoch. */
        UNREVOKED_PARTITIONS(1),
        /** At the new epoch, waiting for partitions other members still own. */
        UNRELEASED_PARTITIONS(2);

        private final byte code;

        MemberState(int code) {
            this.code = (byte) code;
        }

        byte code() {
            return code;
        }

        static MemberState of(byte code) {
            for (MemberState s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("Unknown member state " + code);
        }
    }
}
