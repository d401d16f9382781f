package dev.kelpie.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.group.GroupRecord.MemberState;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** Every record type survives encode/decode, tombstones included; unknown keys are skipped, bad bytes fail. */
class GroupRecordSerdeTest {

    private static Optional<GroupRecord> roundTrip(GroupRecord r) {
        byte[] value = GroupRecordSerde.value(r);
        return GroupRecordSerde.decode(ByteBuffer.wrap(GroupRecordSerde.key(r)),
                value == null ? null : ByteBuffer.wrap(value));
    }

    @Test
    void everyTypeRoundTrips() {
        Uuid t = Uuid.randomUuid();
        List<GroupRecord> records = List.of(
                new GroupRecord.Offset("g", "topic", 3, new GroupRecord.OffsetValue(42, 7, "m", 1000)),
                new GroupRecord.Offset("g", "topic", 3, null),
                new GroupRecord.ClassicGroupMeta("g", new GroupRecord.ClassicGroupValue("consumer", 5, "range", "l",
                        99)),
                new GroupRecord.ClassicGroupMeta("g", new GroupRecord.ClassicGroupValue(null, 0, null, null, -1)),
                new GroupRecord.ClassicGroupMeta("g", null),
                new GroupRecord.ClassicMember("g", "m", null),
                new GroupRecord.ConsumerGroupMeta("g", new GroupRecord.ConsumerGroupValue(4, 3, -17L)),
                new GroupRecord.ConsumerGroupMeta("g", null),
                new GroupRecord.ConsumerMember("g", "m", new GroupRecord.ConsumerMemberValue("i", null, "c", "/h",
                        List.of("a", "b"), "x.*", "range", 300, 4, 3, MemberState.UNREVOKED_PARTITIONS,
                        Map.of(t, Set.of(0, 2)), Map.of(t, Set.of(1)))),
                new GroupRecord.ConsumerMember("g", "m", null),
                new GroupRecord.ConsumerTarget("g", "m", Map.of(t, Set.of(5))),
                new GroupRecord.ConsumerTarget("g", "m", null));
        for (GroupRecord r : records) {
            assertThat(roundTrip(r)).as(r.toString()).contains(r);
        }
        GroupRecord.ClassicMember member = new GroupRecord.ClassicMember("g", "m", new GroupRecord.ClassicMemberValue(
                "i", "c", "/h", 10, 20, "range", new byte[] {1, 2}, new byte[] {3}));
        GroupRecord.ClassicMember decoded = (GroupRecord.ClassicMember) roundTrip(member).orElseThrow();
        assertThat(decoded.value().subscription()).containsExactly(1, 2);
        assertThat(decoded.value().assignment()).containsExactly(3);
        assertThat(decoded.value().sessionTimeoutMs()).isEqualTo(20);
    }

    @Test
    void keysOfUnknownTypesOrVersionsAreSkippedAndGarbageFails() {
        assertThat(GroupRecordSerde.decode(ByteBuffer.wrap(new byte[] {0, 99, 0, 1, 'g'}), null)).isEmpty();
        assertThat(GroupRecordSerde.decode(ByteBuffer.wrap(new byte[] {1, 1, 0, 1, 'g'}), null)).isEmpty();
        byte[] key = GroupRecordSerde.key(new GroupRecord.Offset("g", "t", 0, null));
        assertThatThrownBy(() -> GroupRecordSerde.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(new byte[] {0, 1})))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> GroupRecordSerde.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(new byte[] {9})))
                .isInstanceOf(IllegalStateException.class);
    }
}
