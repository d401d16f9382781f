package dev.kelpie.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** KIP-848 heartbeats: epochs, reconciliation without double ownership, fencing, static members, assignors. */
class ConsumerGroupProtocolTest {

    private static ConsumerGroupHeartbeatRequestData join(String member, String... topics) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId("cg").setMemberId(member).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of(topics))
                .setTopicPartitions(new ArrayList<>());
    }

    private static ConsumerGroupHeartbeatRequestData beat(String member, int epoch, List<TopicPartitions> owned) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId("cg").setMemberId(member).setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(-1).setTopicPartitions(owned);
    }

    /** One heartbeat; a failure is thrown as the Kafka exception the client would get. */
    private static ConsumerGroupHeartbeatResponseData send(ShardHarness h, ConsumerGroupHeartbeatRequestData r) {
        try {
            return h.shard.consumer.heartbeat(new ConsumerGroups.Heartbeat(r, "client", "/127.0.0.1", (short) 1))
                    .join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    /** The assignment of an answer that carries one. */
    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData r) {
        assertThat(r.assignment()).as("the answer carries an assignment").isNotNull();
        Set<Integer> out = new TreeSet<>();
        r.assignment().topicPartitions().forEach(tp -> out.addAll(tp.partitions()));
        return out;
    }

    private static List<TopicPartitions> owned(Uuid topic, Set<Integer> partitions) {
        return List.of(new TopicPartitions().setTopicId(topic).setPartitions(new ArrayList<>(partitions)));
    }

    @Test
    void partitionsMoveToANewMemberOnlyAfterTheOldOwnerRevokedThem() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        Uuid topic = h.topicId("topic-a");
        ConsumerGroupHeartbeatResponseData a1 = send(h, join("a", "topic-a"));
        assertThat(a1.memberEpoch()).isEqualTo(1);
        assertThat(partitions(a1)).containsExactly(0, 1, 2, 3, 4, 5);

        ConsumerGroupHeartbeatResponseData b1 = send(h, join("b", "topic-a"));
        assertThat(b1.memberEpoch()).isEqualTo(2);
        assertThat(partitions(b1)).as("a still owns them").isEmpty();
        assertThat(h.shard.groups.get("cg").stateName()).isEqualTo("Reconciling");

        ConsumerGroupHeartbeatResponseData a2 = send(h, beat("a", 1, owned(topic, partitions(a1))));
        assertThat(a2.memberEpoch()).as("a must revoke first").isEqualTo(1);
        Set<Integer> kept = partitions(a2);
        assertThat(kept).hasSize(3);
        assertThat(send(h, beat("b", 2, List.of())).assignment()).as("not released yet: unchanged").isNull();

        ConsumerGroupHeartbeatResponseData a3 = send(h, beat("a", 1, owned(topic, kept)));
        assertThat(a3.memberEpoch()).isEqualTo(2);
        ConsumerGroupHeartbeatResponseData b2 = send(h, beat("b", 2, List.of()));
        Set<Integer> moved = partitions(b2);
        assertThat(moved).hasSize(3).doesNotContainAnyElementsOf(kept);
        send(h, beat("b", 2, owned(topic, moved)));
        assertThat(h.shard.groups.get("cg").stateName()).isEqualTo("Stable");
    }

    @Test
    void epochsTheCoordinatorDidNotGiveAreFenced() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        Uuid topic = h.topicId("topic-a");
        ConsumerGroupHeartbeatResponseData a = send(h, join("a", "topic-a"));
        assertThatThrownBy(() -> send(h, beat("a", 5, List.of()))).isInstanceOf(FencedMemberEpochException.class);
        assertThatThrownBy(() -> send(h, beat("zombie", 1, List.of()))).isInstanceOf(
                UnknownMemberIdException.class);
        send(h, join("b", "topic-a"));
        ConsumerGroupHeartbeatResponseData a2 = send(h, beat("a", 1, owned(topic, partitions(a))));
        send(h, beat("a", 1, owned(topic, partitions(a2))));
        // the previous epoch is accepted once (the answer may have been lost) when it owns no more than assigned
        assertThat(send(h, beat("a", 1, owned(topic, partitions(a2)))).memberEpoch()).isEqualTo(2);
        assertThatThrownBy(() -> send(h, join("a", "topic-a"))).as("a rejoin of a member at epoch 2")
                .isInstanceOf(FencedMemberEpochException.class);
    }

    @Test
    void badHeartbeatsAreInvalidRequests() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        assertThatThrownBy(() -> h.shard.consumer.heartbeat(new ConsumerGroups.Heartbeat(join("", "topic-a"), "c",
                "/h", (short) 1))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> send(h, join("a", "topic-a").setRebalanceTimeoutMs(-1)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> send(h, join("a", "topic-a").setServerAssignor("fancy")))
                .isInstanceOf(UnsupportedAssignorException.class);
        assertThatThrownBy(() -> send(h, beat("a", -3, List.of()))).isInstanceOf(InvalidRequestException.class);
        assertThat(h.shard.groups).isEmpty();
    }

    @Test
    void sessionExpiryRemovesTheMemberAndHandsItsPartitionsOn() {
        ShardHarness h = new ShardHarness(ShardHarness.config().withConsumerTimeouts(6_000, 500));
        Uuid topic = h.topicId("topic-a");
        ConsumerGroupHeartbeatResponseData a = send(h, join("a", "topic-a"));
        ConsumerGroupHeartbeatResponseData b = send(h, join("b", "topic-a"));
        ConsumerGroupHeartbeatResponseData a2 = send(h, beat("a", a.memberEpoch(), owned(topic, partitions(a))));
        send(h, beat("a", a2.memberEpoch(), owned(topic, partitions(a2))));
        Set<Integer> bOwns = partitions(b);
        int bEpoch = b.memberEpoch();
        for (int i = 0; i < 8; i++) {
            h.time.advance(1_000);
            ConsumerGroupHeartbeatResponseData r = send(h, beat("b", bEpoch, owned(topic, bOwns)));
            bEpoch = r.memberEpoch();
            if (r.assignment() != null) {
                bOwns = partitions(r);
            }
        }
        ConsumerGroup group = (ConsumerGroup) h.shard.groups.get("cg");
        assertThat(group.members).containsOnlyKeys("b");
        assertThat(bOwns).containsExactly(0, 1, 2, 3, 4, 5);
        assertThatThrownBy(() -> send(h, beat("a", 2, List.of()))).isInstanceOf(UnknownMemberIdException.class);
    }

    @Test
    void aLeavingMemberHandsItsPartitionsToTheOthers() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        Uuid topic = h.topicId("topic-a");
        ConsumerGroupHeartbeatResponseData a = send(h, join("a", "topic-a"));
        ConsumerGroupHeartbeatResponseData b = send(h, join("b", "topic-a"));
        ConsumerGroupHeartbeatResponseData a2 = send(h, beat("a", a.memberEpoch(), owned(topic, partitions(a))));
        send(h, beat("a", 1, owned(topic, partitions(a2))));
        ConsumerGroupHeartbeatResponseData b2 = send(h, beat("b", b.memberEpoch(), List.of()));
        assertThat(partitions(b2)).hasSize(3);
        assertThat(send(h, beat("a", 2, null).setMemberEpoch(-1)).memberEpoch()).isEqualTo(-1);
        ConsumerGroupHeartbeatResponseData b3 = send(h, beat("b", 2, owned(topic, partitions(b2))));
        assertThat(b3.memberEpoch()).isEqualTo(3);
        assertThat(partitions(b3)).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void staticMemberReplacementKeepsEpochAndAssignment() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        Uuid topic = h.topicId("topic-a");
        ConsumerGroupHeartbeatResponseData s = send(h, join("s1", "topic-a").setInstanceId("instance"));
        send(h, beat("s1", s.memberEpoch(), owned(topic, partitions(s))).setInstanceId("instance"));
        assertThatThrownBy(() -> send(h, join("s2", "topic-a").setInstanceId("instance")))
                .isInstanceOf(UnreleasedInstanceIdException.class);
        send(h, beat("s1", -2, null).setInstanceId("instance"));
        ConsumerGroupHeartbeatResponseData back = send(h, join("s2", "topic-a").setInstanceId("instance"));
        assertThat(back.memberEpoch()).as("no new epoch").isEqualTo(s.memberEpoch());
        assertThat(partitions(back)).containsExactly(0, 1, 2, 3, 4, 5);
        ConsumerGroup group = (ConsumerGroup) h.shard.groups.get("cg");
        assertThat(group.members).containsOnlyKeys("s2");
        assertThat(group.groupEpoch).isEqualTo(1);

        ConsumerGroupHeartbeatResponseData gone = send(h, beat("s2", -1, null).setInstanceId("instance"));
        assertThat(gone.memberEpoch()).isEqualTo(-1);
        assertThat(group.members).isEmpty();
        assertThat(group.groupEpoch).isEqualTo(2);
        assertThat(group.stateName()).isEqualTo("Empty");
    }

    @Test
    void aGroupIdIsClassicOrConsumer() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String m = h.joinNew("classic").join().memberId();
        h.sync("classic", 1, m, Map.of()).join();
        assertThatThrownBy(() -> send(h, join("x", "topic-a").setGroupId("classic")))
                .isInstanceOf(GroupIdNotFoundException.class);
        assertThat(Errors.forCode(h.shard.admin.describeConsumer("classic").errorCode()))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        send(h, join("a", "topic-a"));
        assertThat(Errors.forCode(h.join("cg", "").join().errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(h.shard.admin.describe("cg", (short) 6).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(h.shard.admin.describeConsumer("cg").groupState()).isEqualTo("Stable");
    }

    @Test
    void commitsCarryTheMemberEpoch() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        ConsumerGroupHeartbeatResponseData a = send(h, join("a", "topic-a"));
        OffsetManager.CommitPartition p = new OffsetManager.CommitPartition("topic-a", 0, 5, -1, "", null);
        assertThat(h.shard.offsetManager.commit(new OffsetManager.CommitArgs("cg", a.memberEpoch(), "a", null,
                (short) 10, List.of(p))).join()).containsExactly(Errors.NONE);
        assertThat(h.shard.offsetManager.commit(new OffsetManager.CommitArgs("cg", 0, "a", null, (short) 10,
                List.of(p))).join()).containsExactly(Errors.STALE_MEMBER_EPOCH);
        assertThat(h.shard.offsetManager.commit(new OffsetManager.CommitArgs("cg", 9, "a", null, (short) 10,
                List.of(p))).join()).containsExactly(Errors.FENCED_MEMBER_EPOCH);
        assertThat(h.shard.offsetManager.commit(new OffsetManager.CommitArgs("cg", 1, "b", null, (short) 10,
                List.of(p))).join()).containsExactly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(h.shard.offsetManager.fetch("cg", "a", 0, null).join().error())
                .isEqualTo(Errors.STALE_MEMBER_EPOCH);
    }

    @Test
    void theGroupSurvivesARestart() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        Uuid topic = h.topicId("topic-a");
        ConsumerGroupHeartbeatResponseData a = send(h, join("a", "topic-a"));
        send(h, join("b", "topic-a").setServerAssignor("range"));
        send(h, beat("a", a.memberEpoch(), owned(topic, partitions(a))));
        ShardHarness after = h.restart();
        ConsumerGroup before = (ConsumerGroup) h.shard.groups.get("cg");
        ConsumerGroup loaded = (ConsumerGroup) after.shard.groups.get("cg");
        assertThat(loaded.groupEpoch).isEqualTo(before.groupEpoch);
        assertThat(loaded.assignmentEpoch).isEqualTo(before.assignmentEpoch);
        assertThat(loaded.members).isEqualTo(before.members);
        assertThat(loaded.targets).isEqualTo(before.targets);
    }

    @Test
    void rangeAndUniformAssignors() {
        Uuid t = Uuid.randomUuid();
        List<Assignors.Member> members = List.of(new Assignors.Member("m1", Set.of(t)),
                new Assignors.Member("m2", Set.of(t)));
        Map<String, Map<Uuid, Set<Integer>>> range = Assignors.assign("range", members, Map.of(t, 7), Map.of());
        assertThat(range.get("m1").get(t)).containsExactly(0, 1, 2, 3);
        assertThat(range.get("m2").get(t)).containsExactly(4, 5, 6);

        Map<String, Map<Uuid, Set<Integer>>> uniform = Assignors.assign("uniform", members, Map.of(t, 7), Map.of());
        assertThat(uniform.get("m1").get(t).size() + uniform.get("m2").get(t).size()).isEqualTo(7);
        assertThat(Math.abs(uniform.get("m1").get(t).size() - uniform.get("m2").get(t).size())).isEqualTo(1);
        // sticky: a third member takes partitions without moving any between m1 and m2
        List<Assignors.Member> three = new ArrayList<>(members);
        three.add(new Assignors.Member("m3", Set.of(t)));
        Map<String, Map<Uuid, Set<Integer>>> next = Assignors.assign("uniform", three, Map.of(t, 7), uniform);
        assertThat(uniform.get("m1").get(t)).containsAll(next.get("m1").get(t));
        assertThat(uniform.get("m2").get(t)).containsAll(next.get("m2").get(t));
        assertThat(next.get("m3").get(t)).hasSizeBetween(2, 3);
    }
}
