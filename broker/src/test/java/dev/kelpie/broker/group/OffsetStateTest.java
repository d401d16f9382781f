package dev.kelpie.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.group.GroupRecord.OffsetValue;
import dev.kelpie.broker.group.OffsetManager.CommitArgs;
import dev.kelpie.broker.group.OffsetManager.CommitPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Offset commits, fetches, deletion and expiration on one shard with a manual clock. */
class OffsetStateTest {
    private static final TopicPartition A0 = new TopicPartition("topic-a", 0);
    private static final TopicPartition A1 = new TopicPartition("topic-a", 1);

    private static List<Errors> commit(ShardHarness h, String group, int generation, String member, short version,
            CommitPartition... partitions) {
        return h.shard.offsetManager.commit(new CommitArgs(group, generation, member, null, version,
                List.of(partitions))).join();
    }

    private static CommitPartition offset(TopicPartition tp, long offset) {
        return new CommitPartition(tp.topic(), tp.partition(), offset, 3, "meta", null);
    }

    private static Map<TopicPartition, OffsetValue> fetchAll(ShardHarness h, String group) {
        return h.shard.offsetManager.fetch(group, null, -1, null).join().offsets();
    }

    @Test
    void standaloneCommitsCreateASimpleGroupAndSurviveARestart() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        assertThat(commit(h, "simple", -1, "", (short) 9, offset(A0, 10), offset(A1, 20)))
                .containsExactly(Errors.NONE, Errors.NONE);
        assertThat(h.shard.admin.list(Set.of(), Set.of())).singleElement().satisfies(g -> {
            assertThat(g.groupId()).isEqualTo("simple");
            assertThat(g.groupState()).isEqualTo("Empty");
            assertThat(g.groupType()).isEqualTo("classic");
            assertThat(g.protocolType()).isEmpty();
        });
        ShardHarness after = h.restart();
        Map<TopicPartition, OffsetValue> offsets = fetchAll(after, "simple");
        assertThat(offsets.get(A0).offset()).isEqualTo(10);
        assertThat(offsets.get(A0).leaderEpoch()).isEqualTo(3);
        assertThat(offsets.get(A0).metadata()).isEqualTo("meta");
        assertThat(offsets.get(A1).offset()).isEqualTo(20);
        assertThat(after.shard.groups).containsKey("simple");
    }

    @Test
    void generationChecksFollowKafka() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        assertThat(commit(h, "nobody", 3, "m", (short) 9, offset(A0, 1))).containsExactly(Errors.GROUP_ID_NOT_FOUND);
        assertThat(commit(h, "nobody", 3, "m", (short) 8, offset(A0, 1))).containsExactly(Errors.ILLEGAL_GENERATION);

        String m = h.joinNew("g").join().memberId();
        assertThat(commit(h, "g", 1, m, (short) 9, offset(A0, 1))).as("completing rebalance")
                .containsExactly(Errors.REBALANCE_IN_PROGRESS);
        h.sync("g", 1, m, Map.of()).join();
        assertThat(commit(h, "g", -1, "", (short) 9, offset(A0, 1))).containsExactly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit(h, "g", 2, m, (short) 9, offset(A0, 1))).containsExactly(Errors.ILLEGAL_GENERATION);
        assertThat(commit(h, "g", 1, "ghost", (short) 9, offset(A0, 1))).containsExactly(Errors.UNKNOWN_MEMBER_ID);
        CommitPartition tooLong = new CommitPartition("topic-a", 1, 5, -1, "x".repeat(4097), null);
        assertThat(commit(h, "g", 1, m, (short) 9, offset(A0, 7), tooLong))
                .containsExactly(Errors.NONE, Errors.OFFSET_METADATA_TOO_LARGE);
        assertThat(fetchAll(h, "g")).containsOnlyKeys(A0);
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupGoes() {
        ShardHarness h = new ShardHarness(ShardHarness.config().withOffsetsRetention(60_000, 10_000));
        h.shard.onLoaded();
        String m = h.joinNew("g").join().memberId();
        h.sync("g", 1, m, Map.of()).join();
        commit(h, "g", 1, m, (short) 9, offset(A0, 5));
        for (int i = 0; i < 10; i++) {
            h.time.advance(9_000);
            h.heartbeat("g", m, 1);
        }
        assertThat(fetchAll(h, "g")).as("active groups keep their offsets").containsOnlyKeys(A0);
        h.shard.membership.leave("g", List.of(new org.apache.kafka.common.message.LeaveGroupRequestData
                .MemberIdentity().setMemberId(m)));
        h.time.advance(50_000);
        assertThat(fetchAll(h, "g")).containsOnlyKeys(A0);
        h.time.advance(20_000);
        assertThat(fetchAll(h, "g")).isEmpty();
        assertThat(h.shard.groups).doesNotContainKey("g");
        assertThat(h.restart().shard.groups).doesNotContainKey("g");
    }

    @Test
    void deleteGroupOnlyWhenEmptyAndOffsetDeleteRespectsSubscriptions() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String m = h.joinNew("g").join().memberId();
        h.sync("g", 1, m, Map.of()).join();
        commit(h, "g", 1, m, (short) 9, offset(A0, 5), offset(new TopicPartition("topic-b", 0), 6));
        assertThat(h.shard.admin.delete("g").join()).isEqualTo(Errors.NON_EMPTY_GROUP);
        assertThat(h.shard.admin.delete("missing").join()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        OffsetManager.DeleteResult d = h.shard.offsetManager.delete("g", List.of(A0,
                new TopicPartition("topic-b", 0))).join();
        assertThat(d.partitions()).containsEntry(A0, Errors.GROUP_SUBSCRIBED_TO_TOPIC)
                .containsEntry(new TopicPartition("topic-b", 0), Errors.NONE);
        assertThat(fetchAll(h, "g")).containsOnlyKeys(A0);

        h.shard.membership.leave("g", List.of(new org.apache.kafka.common.message.LeaveGroupRequestData
                .MemberIdentity().setMemberId(m)));
        assertThat(h.shard.admin.delete("g").join()).isEqualTo(Errors.NONE);
        assertThat(h.shard.groups).doesNotContainKey("g");
        assertThat(fetchAll(h, "g")).isEmpty();
        ShardHarness after = h.restart();
        assertThat(after.shard.groups).doesNotContainKey("g");
        assertThat(fetchAll(after, "g")).isEmpty();
    }

    @Test
    void offsetsOfDeletedTopicsAreDeleted() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        commit(h, "s", -1, "", (short) 9, offset(A0, 1), offset(new TopicPartition("topic-b", 1), 2));
        h.shard.offsetManager.onTopicsDeleted(Set.of("topic-b"));
        assertThat(fetchAll(h, "s")).containsOnlyKeys(A0);
        assertThat(fetchAll(h.restart(), "s")).containsOnlyKeys(A0);
    }

    @Test
    void aRecordTooLargeForABatchIsRefusedBeforeItChangesAnything() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        GroupRecord huge = new GroupRecord.ClassicMember("g", "m", new GroupRecord.ClassicMemberValue(null, "c", "h",
                1, 1, "range", new byte[2 * 1024 * 1024], new byte[0]));
        assertThatThrownBy(() -> h.shard.append(List.of(huge))).isInstanceOf(RecordTooLargeException.class);
        assertThat(h.shard.groups).isEmpty();
        assertThat(h.writer.recordCount()).isZero();
    }

    @Test
    void aFailedWriteFailsTheCommit() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        h.writer.failNext = new org.apache.kafka.common.errors.NotLeaderOrFollowerException("gone");
        assertThat(h.shard.offsetManager.commit(new CommitArgs("s", -1, "", null, (short) 9,
                List.of(offset(A0, 1))))).isCompletedExceptionally();
    }

    @Test
    void anUnloadedShardNeitherWritesNorAnswersHeldRequestsLater() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        java.util.concurrent.CompletableFuture<org.apache.kafka.common.message.JoinGroupResponseData> held =
                h.join("g", h.join("g", "").join().memberId(), null, ShardHarness.protocols("range"), 10_000, 20_000);
        String m = held.join().memberId();
        java.util.concurrent.CompletableFuture<org.apache.kafka.common.message.SyncGroupResponseData> waiting =
                h.sync("g", 1, m, Map.of());
        int written = h.writer.recordCount();
        assertThat(waiting).as("the leader's sync is not a follower's, it is stored").isDone();
        h.shard.onUnloaded();
        assertThat(h.shard.append(List.of(new GroupRecord.Offset("g", "topic-a", 0,
                new OffsetValue(1, -1, "", 0))))).isCompletedExceptionally();
        h.time.advance(60_000);
        assertThat(h.writer.recordCount()).isEqualTo(written);
        assertThat(h.shard.groups).isEmpty();
    }
}
