package dev.kelpie.broker.group;

/**
 * A group known to one coordinator shard: a {@link ClassicGroup} or a {@link ConsumerGroup}. A group id is
 * one or the other; an empty group may be converted when a member of the other protocol joins.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
sealed interface Group permits ClassicGroup, ConsumerGroup {

    String groupId();

    /** {@code classic} or {@code consumer}, as ListGroups v5 names it. */
    String type();

    /** The state as Kafka names it in ListGroups and Describe responses. */
    String stateName();

    /** The protocol type ListGroups reports ({@code consumer} for consumer groups, may be empty). */
    String protocolType();

    int memberCount();

    /** True when the group has no members (offsets may still exist). */
    boolean isEmpty();
}
