package dev.kelpie.broker.group;

import dev.kelpie.broker.group.GroupRecord.OffsetValue;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The committed offsets of one shard's groups: group → partition → offset. Changed only by replaying
 * {@link GroupRecord.Offset} records.
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class OffsetStore {
    private static final java.util.Comparator<TopicPartition> ORDER =
            java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Map<String, Map<TopicPartition, OffsetValue>> byGroup = new HashMap<>();

    void apply(GroupRecord.Offset record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (record.value() == null) {
            Map<TopicPartition, OffsetValue> offsets = byGroup.get(record.groupId());
            if (offsets != null) {
                offsets.remove(tp);
                if (offsets.isEmpty()) {
                    byGroup.remove(record.groupId());
                }
            }
        } else {
            byGroup.computeIfAbsent(record.groupId(), g -> new TreeMap<>(ORDER)).put(tp, record.value());
        }
    }

    OffsetValue get(String groupId, TopicPartition tp) {
        Map<TopicPartition, OffsetValue> offsets = byGroup.get(groupId);
        return offsets == null ? null : offsets.get(tp);
    }

    /** The group's offsets in topic, partition order (read-only view; empty when none). */
    Map<TopicPartition, OffsetValue> offsets(String groupId) {
        Map<TopicPartition, OffsetValue> offsets = byGroup.get(groupId);
        return offsets == null ? Map.of() : Collections.unmodifiableMap(offsets);
    }

    boolean hasOffsets(String groupId) {
        return byGroup.containsKey(groupId);
    }

    /** Groups with at least one offset. */
    Set<String> groupIds() {
        return Collections.unmodifiableSet(byGroup.keySet());
    }

    void clear() {
        byGroup.clear();
    }
}
