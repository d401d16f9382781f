package dev.kelpie.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.group.ClassicGroupMember.Protocol;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The classic rebalance state machine on a manual clock: joins, delays, timeouts, sync, static members. */
class ClassicGroupStateMachineTest {
    private static final byte[] A1 = {1};
    private static final byte[] A2 = {2};

    @Test
    void firstJoinNeedsAMemberIdThenWaitsForTheInitialDelay() {
        ShardHarness h = new ShardHarness(GroupCoordinatorConfig.defaults().withInitialRebalanceDelayMs(3_000));
        JoinGroupResponseData first = h.join("g", "").join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");

        CompletableFuture<JoinGroupResponseData> held = h.join("g", first.memberId());
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        h.time.advance(2_999);
        assertThat(held).isNotDone();
        h.time.advance(1);
        JoinGroupResponseData joined = held.join();
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(first.memberId());
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId)
                .containsExactly(first.memberId());
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.COMPLETING_REBALANCE);
    }

    @Test
    void membersArrivingDuringTheInitialDelayExtendItUpToTheRebalanceTimeout() {
        ShardHarness h = new ShardHarness(GroupCoordinatorConfig.defaults().withInitialRebalanceDelayMs(3_000));
        CompletableFuture<JoinGroupResponseData> a = h.join("g", "", null, ShardHarness.protocols("range"), 10_000,
                7_000);
        // v9 with an instance id skips MEMBER_ID_REQUIRED; use v3-like dynamic joins via the static path
        assertThat(Errors.forCode(a.join().errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        CompletableFuture<JoinGroupResponseData> first = h.join("g", a.join().memberId(), null,
                ShardHarness.protocols("range"), 10_000, 7_000);
        h.time.advance(2_000);
        CompletableFuture<JoinGroupResponseData> second = h.joinNew("g");
        h.time.advance(1_000);
        assertThat(first).as("a member arrived during the delay: extended").isNotDone();
        h.time.advance(3_000);
        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(first.join().generationId()).isEqualTo(1);
        assertThat(h.classicGroup("g").members).hasSize(2);
    }

    @Test
    void leaderSyncCompletesHeldFollowerSyncsAndStabilises() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String leader = h.joinNew("g").join().memberId();
        assertThat(h.heartbeat("g", leader, 1)).isEqualTo(Errors.NONE);
        assertThat(h.sync("g", 1, leader, Map.of(leader, A1)).join().assignment()).isEqualTo(A1);

        CompletableFuture<JoinGroupResponseData> followerJoin = h.joinNew("g");
        assertThat(h.heartbeat("g", leader, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        CompletableFuture<JoinGroupResponseData> leaderJoin = h.join("g", leader);
        JoinGroupResponseData lj = leaderJoin.join();
        JoinGroupResponseData fj = followerJoin.join();
        assertThat(lj.generationId()).isEqualTo(2);
        assertThat(lj.members()).hasSize(2);
        assertThat(fj.members()).isEmpty();
        assertThat(fj.leader()).isEqualTo(leader);

        CompletableFuture<SyncGroupResponseData> followerSync = h.sync("g", 2, fj.memberId(), Map.of());
        assertThat(followerSync).isNotDone();
        SyncGroupResponseData ls = h.sync("g", 2, leader, Map.of(leader, A1, fj.memberId(), A2)).join();
        assertThat(ls.assignment()).isEqualTo(A1);
        assertThat(followerSync.join().assignment()).isEqualTo(A2);
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.STABLE);
        assertThat(h.heartbeat("g", fj.memberId(), 2)).isEqualTo(Errors.NONE);
    }

    @Test
    void heartbeatAndSyncCheckMemberAndGeneration() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String m = h.joinNew("g").join().memberId();
        h.sync("g", 1, m, Map.of(m, A1)).join();
        assertThat(h.heartbeat("g", "nobody", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(h.heartbeat("unknown-group", m, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(h.heartbeat("g", m, 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(Errors.forCode(h.sync("g", 7, m, Map.of()).join().errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(Errors.forCode(h.shard.membership.sync(new ClassicMembership.SyncArgs("g", 1, m, null,
                "connect", null, Map.of())).join().errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(h.heartbeat("g", m, 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void sessionExpiryRemovesTheMemberAndRebalancesTheRest() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String a = h.joinNew("g").join().memberId();
        h.sync("g", 1, a, Map.of(a, A1)).join();
        CompletableFuture<JoinGroupResponseData> bJoin = h.joinNew("g");
        JoinGroupResponseData aj = h.join("g", a).join();
        String b = bJoin.join().memberId();
        h.sync("g", 2, b, Map.of());
        h.sync("g", 2, a, Map.of(a, A1, b, A2)).join();
        // a keeps heartbeating, b goes silent
        for (int i = 0; i < 12; i++) {
            h.time.advance(1_000);
            h.heartbeat("g", a, aj.generationId());
        }
        assertThat(h.classicGroup("g").members).containsOnlyKeys(a);
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(h.heartbeat("g", a, 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData rejoined = h.join("g", a).join();
        assertThat(rejoined.generationId()).isEqualTo(3);
        assertThat(rejoined.members()).hasSize(1);
    }

    @Test
    void aMemberThatDoesNotRejoinIsDroppedAtTheRebalanceTimeout() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String a = h.joinNew("g").join().memberId();
        h.sync("g", 1, a, Map.of()).join();
        CompletableFuture<JoinGroupResponseData> b = h.joinNew("g");
        // a keeps its session alive with heartbeats but never rejoins
        for (int i = 0; i < 19; i++) {
            h.time.advance(1_000);
            assertThat(h.heartbeat("g", a, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        }
        h.time.advance(999);
        assertThat(b).isNotDone();
        h.time.advance(1);
        assertThat(b.join().generationId()).isEqualTo(2);
        assertThat(b.join().leader()).isEqualTo(b.join().memberId());
        assertThat(h.classicGroup("g").members).containsOnlyKeys(b.join().memberId());
        assertThat(h.heartbeat("g", a, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void sessionTimeoutOutsideTheBrokerRangeIsRejected() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        assertThat(Errors.forCode(h.join("g", "", null, ShardHarness.protocols("range"), 5_999, 10_000).join()
                .errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(Errors.forCode(h.join("g", "", null, ShardHarness.protocols("range"), 1_800_001, 10_000).join()
                .errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(h.shard.groups).isEmpty();
    }

    @Test
    void protocolsAreChosenByVoteAndMustOverlap() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        CompletableFuture<JoinGroupResponseData> a = h.join("g", h.join("g", "").join().memberId(), null,
                ShardHarness.protocols("range", "roundrobin"), 10_000, 20_000);
        String a1 = a.join().memberId();
        h.sync("g", 1, a1, Map.of()).join();
        JoinGroupResponseData noOverlap = h.join("g", "", null, ShardHarness.protocols("sticky"), 10_000, 20_000)
                .join();
        assertThat(Errors.forCode(noOverlap.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        JoinGroupResponseData otherType = h.shard.classic.join(new ClassicJoin("g", "", null, "connect",
                ShardHarness.protocols("range"), 10_000, 20_000, "c", "/h", (short) 9)).join();
        assertThat(Errors.forCode(otherType.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);

        String b = h.join("g", "").join().memberId();
        CompletableFuture<JoinGroupResponseData> bJoin = h.join("g", b, null,
                ShardHarness.protocols("roundrobin", "range"), 10_000, 20_000);
        String c = h.join("g", "").join().memberId();
        CompletableFuture<JoinGroupResponseData> cJoin = h.join("g", c, null, ShardHarness.protocols("roundrobin"),
                10_000, 20_000);
        h.join("g", a1, null, ShardHarness.protocols("range", "roundrobin"), 10_000, 20_000);
        assertThat(bJoin.join().protocolName()).isEqualTo("roundrobin");
        assertThat(cJoin.join().protocolName()).isEqualTo("roundrobin");
    }

    @Test
    void staticMemberRejoiningWithANewIdCausesNoRebalanceAndFencesTheOldId() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        List<Protocol> range = ShardHarness.protocols("range");
        String old = h.join("g", "", "instance-1", range, 10_000, 20_000).join().memberId();
        h.sync("g", 1, old, Map.of(old, A1)).join();
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.STABLE);

        JoinGroupResponseData again = h.join("g", "", "instance-1", range, 10_000, 20_000).join();
        assertThat(Errors.forCode(again.errorCode())).isEqualTo(Errors.NONE);
        assertThat(again.memberId()).isNotEqualTo(old);
        assertThat(again.generationId()).as("no rebalance").isEqualTo(1);
        assertThat(again.skipAssignment()).as("static leader keeps the assignment").isTrue();
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.STABLE);
        assertThat(h.sync("g", 1, again.memberId(), Map.of()).join().assignment()).isEqualTo(A1);
        assertThat(h.shard.membership.heartbeat("g", old, "instance-1", 1)).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(h.shard.membership.heartbeat("g", again.memberId(), "instance-1", 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void leaveGroupRemovesMembersByIdOrInstanceAndReportsEachOne() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String a = h.join("g", "", "i-a", ShardHarness.protocols("range"), 10_000, 20_000).join().memberId();
        h.sync("g", 1, a, Map.of()).join();
        LeaveGroupResponseData r = h.shard.membership.leave("g", List.of(
                new MemberIdentity().setMemberId("someone-else").setGroupInstanceId("i-a"),
                new MemberIdentity().setMemberId("ghost"),
                new MemberIdentity().setMemberId(a).setGroupInstanceId("i-a")));
        assertThat(r.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.FENCED_INSTANCE_ID, Errors.UNKNOWN_MEMBER_ID, Errors.NONE);
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.EMPTY);
        assertThat(h.classicGroup("g").generation).isEqualTo(2);
        assertThat(Errors.forCode(h.shard.membership.leave("nope", List.of(new MemberIdentity().setMemberId(a)))
                .errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void oversizedMemberMetadataIsRejectedWithoutTouchingTheGroup() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String a = h.joinNew("g").join().memberId();
        h.sync("g", 1, a, Map.of()).join();
        List<Protocol> huge = List.of(new Protocol("range", new byte[700 * 1024]));
        JoinGroupResponseData r = h.join("g", "", "big", huge, 10_000, 20_000).join();
        assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(h.classicGroup("g").state).isEqualTo(ClassicGroupState.STABLE);
        assertThat(h.classicGroup("g").members).containsOnlyKeys(a);
        assertThat(h.heartbeat("g", a, 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void aRestartReplaysGenerationMembersAndAssignments() {
        ShardHarness h = new ShardHarness(ShardHarness.config());
        String a = h.join("g", "", "i-a", ShardHarness.protocols("range"), 10_000, 20_000).join().memberId();
        h.sync("g", 1, a, Map.of(a, A1)).join();

        ShardHarness after = h.restart();
        ClassicGroup g = after.classicGroup("g");
        assertThat(g.state).isEqualTo(ClassicGroupState.STABLE);
        assertThat(g.generation).isEqualTo(1);
        assertThat(g.leaderId).isEqualTo(a);
        assertThat(g.protocolName).isEqualTo("range");
        assertThat(g.member(a).assignment).isEqualTo(A1);
        assertThat(g.staticMembers).containsEntry("i-a", a);
        assertThat(after.shard.membership.heartbeat("g", a, "i-a", 1)).isEqualTo(Errors.NONE);
        after.time.advance(10_001);
        assertThat(after.classicGroup("g").members).as("the session timer runs after a restart").isEmpty();
    }
}
