package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.group.GroupCoordinatorConfig;
import dev.kelpie.broker.log.LogManager;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The group coordinator's APIs over a raw socket at their lowest and highest advertised versions (non-flexible
 * and flexible, topic names and ids, single and batched forms), encoded and decoded by kafka-clients, plus the bad
 * input of the group APIs: unknown members, stale generations, fenced epochs, out-of-range session timeouts,
 * oversized metadata, unknown topics. After each bad request the broker still serves the good ones.
 */
class GroupApiVersionsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker(c -> c.withGroupCoordinator(GroupCoordinatorConfig
            .defaults().withInitialRebalanceDelayMs(0).withOffsetsTopic(3, 1024 * 1024)), LogManager.Settings.defaults());

    private static RawClient client() {
        return new RawClient(BROKER.port());
    }

    private static Errors error(short code) {
        return Errors.forCode(code);
    }

    private static void findCoordinator(RawClient c, String group) {
        FindCoordinatorResponse r = c.send(ApiKeys.FIND_COORDINATOR, 6, new FindCoordinatorRequestData()
                .setKeyType((byte) 0).setCoordinatorKeys(List.of(group)));
        assertThat(error(r.data().coordinators().get(0).errorCode())).isEqualTo(Errors.NONE);
    }

    private static JoinGroupRequestData join(String group, String member, int sessionTimeoutMs, byte[] metadata) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(member).setSessionTimeoutMs(sessionTimeoutMs)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    @Test
    void findCoordinatorSingleAndBatchedAndUnsupportedKeyTypes() throws Exception {
        try (RawClient c = client()) {
            FindCoordinatorResponse v0 = c.send(ApiKeys.FIND_COORDINATOR, 0, new FindCoordinatorRequestData()
                    .setKey("g-find"));
            assertThat(error(v0.data().errorCode())).isEqualTo(Errors.NONE);
            assertThat(v0.data().nodeId()).isEqualTo(1);
            assertThat(v0.data().port()).isEqualTo(BROKER.port());
            FindCoordinatorResponse v6 = c.send(ApiKeys.FIND_COORDINATOR, 6, new FindCoordinatorRequestData()
                    .setKeyType((byte) 0).setCoordinatorKeys(List.of("a", "b")));
            assertThat(v6.data().coordinators()).extracting(co -> co.key()).containsExactly("a", "b");
            assertThat(v6.data().coordinators()).allSatisfy(co -> assertThat(co.nodeId()).isEqualTo(1));
            FindCoordinatorResponse txn = c.send(ApiKeys.FIND_COORDINATOR, 3, new FindCoordinatorRequestData()
                    .setKey("txn").setKeyType((byte) 1));
            assertThat(error(txn.data().errorCode())).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
            FindCoordinatorResponse share = c.send(ApiKeys.FIND_COORDINATOR, 6, new FindCoordinatorRequestData()
                    .setKeyType((byte) 2).setCoordinatorKeys(List.of("s")));
            assertThat(error(share.data().coordinators().get(0).errorCode())).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(BROKER.server().metadata().topic("__consumer_offsets").orElseThrow().isInternal()).isTrue();
        }
    }

    @Test
    void classicRoundTripAtTheLowestVersions() throws Exception {
        try (RawClient c = client()) {
            findCoordinator(c, "g-low");
            JoinGroupResponse join = c.send(ApiKeys.JOIN_GROUP, 0, join("g-low", "", 10_000, new byte[] {1}));
            assertThat(error(join.data().errorCode())).as("v0 gets no MEMBER_ID_REQUIRED").isEqualTo(Errors.NONE);
            String member = join.data().memberId();
            assertThat(join.data().generationId()).isEqualTo(1);
            SyncGroupResponse sync = c.send(ApiKeys.SYNC_GROUP, 0, new SyncGroupRequestData().setGroupId("g-low")
                    .setGenerationId(1).setMemberId(member).setAssignments(List.of(new SyncGroupRequestAssignment()
                            .setMemberId(member).setAssignment(new byte[] {7}))));
            assertThat(sync.data().assignment()).containsExactly(7);
            HeartbeatResponse hb = c.send(ApiKeys.HEARTBEAT, 0, new HeartbeatRequestData().setGroupId("g-low")
                    .setGenerationId(1).setMemberId(member));
            assertThat(error(hb.data().errorCode())).isEqualTo(Errors.NONE);
            OffsetCommitResponse commit = c.send(ApiKeys.OFFSET_COMMIT, 2, new OffsetCommitRequestData()
                    .setGroupId("g-low").setGenerationIdOrMemberEpoch(1).setMemberId(member).setTopics(List.of(
                            new OffsetCommitRequestTopic().setName("__consumer_offsets").setPartitions(List.of(
                                    new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5))),
                            new OffsetCommitRequestTopic().setName("no-such-topic").setPartitions(List.of(
                                    new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5))))));
            assertThat(commit.data().topics()).extracting(t -> error(t.partitions().get(0).errorCode()))
                    .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            OffsetFetchResponse fetch = c.send(ApiKeys.OFFSET_FETCH, 1, new OffsetFetchRequestData()
                    .setGroupId("g-low").setTopics(List.of(new OffsetFetchRequestTopic().setName("__consumer_offsets")
                            .setPartitionIndexes(List.of(0, 1)))));
            assertThat(fetch.data().topics().get(0).partitions()).extracting(p -> p.committedOffset())
                    .containsExactly(5L, -1L);
            DescribeGroupsResponse describe = c.send(ApiKeys.DESCRIBE_GROUPS, 0, new DescribeGroupsRequestData()
                    .setGroups(List.of("g-low", "nobody")));
            assertThat(describe.data().groups().get(0).groupState()).isEqualTo("Stable");
            assertThat(describe.data().groups().get(0).members().get(0).memberAssignment()).containsExactly(7);
            assertThat(describe.data().groups().get(1).groupState()).isEqualTo("Dead");
            ListGroupsResponse list = c.send(ApiKeys.LIST_GROUPS, 0, new ListGroupsRequestData());
            assertThat(list.data().groups()).extracting(ListedGroup::groupId).contains("g-low");
            LeaveGroupResponse leave = c.send(ApiKeys.LEAVE_GROUP, 0, new LeaveGroupRequestData().setGroupId("g-low")
                    .setMemberId(member));
            assertThat(error(leave.data().errorCode())).isEqualTo(Errors.NONE);
            OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestTopicCollection();
            topics.add(new OffsetDeleteRequestTopic().setName("__consumer_offsets").setPartitions(List.of(
                    new OffsetDeleteRequestPartition().setPartitionIndex(0))));
            OffsetDeleteResponse deleted = c.send(ApiKeys.OFFSET_DELETE, 0, new OffsetDeleteRequestData()
                    .setGroupId("g-low").setTopics(topics));
            assertThat(error(deleted.data().errorCode())).isEqualTo(Errors.NONE);
            DeleteGroupsResponse delete = c.send(ApiKeys.DELETE_GROUPS, 0, new DeleteGroupsRequestData()
                    .setGroupsNames(List.of("g-low", "nobody")));
            assertThat(delete.data().results()).extracting(r -> error(r.errorCode()))
                    .containsExactly(Errors.NONE, Errors.GROUP_ID_NOT_FOUND);
        }
    }

    @Test
    void classicRoundTripAtTheHighestVersionsWithTopicIds() throws Exception {
        try (RawClient c = client()) {
            findCoordinator(c, "g-high");
            JoinGroupResponse first = c.send(ApiKeys.JOIN_GROUP, 9, join("g-high", "", 10_000, new byte[] {1}));
            assertThat(error(first.data().errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
            String member = first.data().memberId();
            JoinGroupResponse join = c.send(ApiKeys.JOIN_GROUP, 9, join("g-high", member, 10_000, new byte[] {1}));
            assertThat(join.data().protocolType()).isEqualTo("consumer");
            assertThat(join.data().protocolName()).isEqualTo("range");
            SyncGroupResponse sync = c.send(ApiKeys.SYNC_GROUP, 5, new SyncGroupRequestData().setGroupId("g-high")
                    .setGenerationId(1).setMemberId(member).setProtocolType("consumer").setProtocolName("range")
                    .setAssignments(List.of(new SyncGroupRequestAssignment().setMemberId(member)
                            .setAssignment(new byte[] {9}))));
            assertThat(sync.data().protocolName()).isEqualTo("range");
            assertThat(sync.data().assignment()).containsExactly(9);
            Uuid offsetsTopic = BROKER.server().metadata().topic("__consumer_offsets").orElseThrow().id();
            OffsetCommitResponse commit = c.send(ApiKeys.OFFSET_COMMIT, 10, new OffsetCommitRequestData()
                    .setGroupId("g-high").setGenerationIdOrMemberEpoch(1).setMemberId(member).setTopics(List.of(
                            new OffsetCommitRequestTopic().setTopicId(offsetsTopic).setPartitions(List.of(
                                    new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(11)
                                            .setCommittedMetadata("m"))),
                            new OffsetCommitRequestTopic().setTopicId(Uuid.randomUuid()).setPartitions(List.of(
                                    new OffsetCommitRequestPartition().setPartitionIndex(0))))));
            assertThat(commit.data().topics()).extracting(t -> error(t.partitions().get(0).errorCode()))
                    .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_ID);
            OffsetFetchResponse fetch = c.send(ApiKeys.OFFSET_FETCH, 10, new OffsetFetchRequestData().setGroups(List.of(
                    new OffsetFetchRequestGroup().setGroupId("g-high").setMemberEpoch(-1).setTopics(List.of(
                            new OffsetFetchRequestTopics().setTopicId(offsetsTopic).setPartitionIndexes(List.of(1)))),
                    new OffsetFetchRequestGroup().setGroupId("g-high").setMemberEpoch(-1).setTopics(null)))
                    .setRequireStable(true));
            assertThat(fetch.data().groups()).hasSize(2).allSatisfy(g -> {
                assertThat(g.topics().get(0).topicId()).isEqualTo(offsetsTopic);
                assertThat(g.topics().get(0).partitions().get(0).committedOffset()).isEqualTo(11);
                assertThat(g.topics().get(0).partitions().get(0).metadata()).isEqualTo("m");
            });
            HeartbeatResponse hb = c.send(ApiKeys.HEARTBEAT, 4, new HeartbeatRequestData().setGroupId("g-high")
                    .setGenerationId(1).setMemberId(member));
            assertThat(error(hb.data().errorCode())).isEqualTo(Errors.NONE);
            ListGroupsResponse list = c.send(ApiKeys.LIST_GROUPS, 5, new ListGroupsRequestData()
                    .setStatesFilter(List.of("stable")).setTypesFilter(List.of("classic")));
            assertThat(list.data().groups()).filteredOn(g -> g.groupId().equals("g-high")).singleElement()
                    .satisfies(g -> {
                        assertThat(g.groupState()).isEqualTo("Stable");
                        assertThat(g.groupType()).isEqualTo("classic");
                        assertThat(g.protocolType()).isEqualTo("consumer");
                    });
            assertThat(((ListGroupsResponse) c.send(ApiKeys.LIST_GROUPS, 5, new ListGroupsRequestData()
                    .setTypesFilter(List.of("consumer")))).data().groups()).extracting(ListedGroup::groupId)
                    .doesNotContain("g-high");
            DescribeGroupsResponse describe = c.send(ApiKeys.DESCRIBE_GROUPS, 6, new DescribeGroupsRequestData()
                    .setGroups(List.of("g-high", "nobody")).setIncludeAuthorizedOperations(true));
            assertThat(describe.data().groups().get(0).members().get(0).clientHost()).isEqualTo("/127.0.0.1");
            assertThat(error(describe.data().groups().get(1).errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
            ConsumerGroupDescribeResponse cgd = c.send(ApiKeys.CONSUMER_GROUP_DESCRIBE, 1,
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of("g-high")));
            assertThat(error(cgd.data().groups().get(0).errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
            LeaveGroupResponse leave = c.send(ApiKeys.LEAVE_GROUP, 5, new LeaveGroupRequestData().setGroupId("g-high")
                    .setMembers(List.of(new MemberIdentity().setMemberId(member).setReason("done"),
                            new MemberIdentity().setMemberId("ghost"))));
            assertThat(leave.data().members()).extracting(m -> error(m.errorCode()))
                    .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
            DeleteGroupsResponse delete = c.send(ApiKeys.DELETE_GROUPS, 3, new DeleteGroupsRequestData()
                    .setGroupsNames(List.of("g-high")));
            assertThat(error(delete.data().results().iterator().next().errorCode())).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void consumerProtocolAtItsLowestAndHighestVersions() throws Exception {
        try (RawClient c = client()) {
            findCoordinator(c, "cg-raw");
            BROKER.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("cg-raw-topic", 2,
                    (short) 1))).all().get();
            ConsumerGroupHeartbeatResponse v0 = c.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0,
                    new ConsumerGroupHeartbeatRequestData().setGroupId("cg-raw").setMemberId("").setMemberEpoch(0)
                            .setRebalanceTimeoutMs(10_000).setSubscribedTopicNames(List.of("cg-raw-topic"))
                            .setTopicPartitions(new ArrayList<>()));
            assertThat(error(v0.data().errorCode())).isEqualTo(Errors.NONE);
            assertThat(v0.data().memberId()).as("v0: the coordinator picks the id").isNotEmpty();
            assertThat(v0.data().memberEpoch()).isEqualTo(1);
            assertThat(v0.data().assignment().topicPartitions().get(0).partitions()).containsExactly(0, 1);
            ConsumerGroupHeartbeatResponse fenced = c.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1,
                    new ConsumerGroupHeartbeatRequestData().setGroupId("cg-raw").setMemberId(v0.data().memberId())
                            .setMemberEpoch(7));
            assertThat(error(fenced.data().errorCode())).isEqualTo(Errors.FENCED_MEMBER_EPOCH);
            ConsumerGroupHeartbeatResponse noId = c.send(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 1,
                    new ConsumerGroupHeartbeatRequestData().setGroupId("cg-raw").setMemberId("").setMemberEpoch(0)
                            .setRebalanceTimeoutMs(10_000).setSubscribedTopicNames(List.of("cg-raw-topic"))
                            .setTopicPartitions(new ArrayList<>()));
            assertThat(error(noId.data().errorCode())).as("v1 members choose their id").isEqualTo(Errors.INVALID_REQUEST);
            ConsumerGroupDescribeResponse d0 = c.send(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0,
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of("cg-raw")));
            assertThat(d0.data().groups().get(0).groupEpoch()).isEqualTo(1);
            ConsumerGroupDescribeResponse d1 = c.send(ApiKeys.CONSUMER_GROUP_DESCRIBE, 1,
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of("cg-raw", "nope")));
            assertThat(d1.data().groups().get(0).members().get(0).assignment().topicPartitions().get(0).topicName())
                    .isEqualTo("cg-raw-topic");
            assertThat(error(d1.data().groups().get(1).errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
            OffsetCommitResponse stale = c.send(ApiKeys.OFFSET_COMMIT, 10, new OffsetCommitRequestData()
                    .setGroupId("cg-raw").setGenerationIdOrMemberEpoch(0).setMemberId(v0.data().memberId())
                    .setTopics(List.of(new OffsetCommitRequestTopic().setTopicId(BROKER.server().metadata()
                            .topic("cg-raw-topic").orElseThrow().id()).setPartitions(List.of(
                                    new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))))));
            assertThat(error(stale.data().topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.STALE_MEMBER_EPOCH);
            JoinGroupResponse classicJoin = c.send(ApiKeys.JOIN_GROUP, 9, join("cg-raw", "", 10_000, new byte[0]));
            assertThat(error(classicJoin.data().errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
    }

    @Test
    void badClassicInputGetsKafkasErrorsAndOtherGroupsAreUnaffected() throws Exception {
        try (RawClient c = client()) {
            findCoordinator(c, "g-good");
            JoinGroupResponse good = c.send(ApiKeys.JOIN_GROUP, 3, join("g-good", "", 10_000, new byte[] {1}));
            String member = good.data().memberId();
            c.send(ApiKeys.SYNC_GROUP, 3, new SyncGroupRequestData().setGroupId("g-good").setGenerationId(1)
                    .setMemberId(member).setAssignments(List.of()));

            JoinGroupResponse tooShort = c.send(ApiKeys.JOIN_GROUP, 9, join("g-bad", "", 5_999, new byte[0]));
            assertThat(error(tooShort.data().errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
            JoinGroupResponse tooLong = c.send(ApiKeys.JOIN_GROUP, 9, join("g-bad", "", 1_800_001, new byte[0]));
            assertThat(error(tooLong.data().errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
            JoinGroupResponse huge = c.send(ApiKeys.JOIN_GROUP, 9, join("g-bad", "", 10_000,
                    new byte[2 * 1024 * 1024]));
            assertThat(error(huge.data().errorCode())).isEqualTo(Errors.INVALID_REQUEST);
            JoinGroupResponse unknown = c.send(ApiKeys.JOIN_GROUP, 9, join("g-good", "ghost", 10_000, new byte[0]));
            assertThat(error(unknown.data().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            HeartbeatResponse stale = c.send(ApiKeys.HEARTBEAT, 4, new HeartbeatRequestData().setGroupId("g-good")
                    .setGenerationId(0).setMemberId(member));
            assertThat(error(stale.data().errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);
            HeartbeatResponse ghost = c.send(ApiKeys.HEARTBEAT, 4, new HeartbeatRequestData().setGroupId("g-good")
                    .setGenerationId(1).setMemberId("ghost"));
            assertThat(error(ghost.data().errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            OffsetCommitResponse wrongGeneration = c.send(ApiKeys.OFFSET_COMMIT, 9, new OffsetCommitRequestData()
                    .setGroupId("g-good").setGenerationIdOrMemberEpoch(5).setMemberId(member).setTopics(List.of(
                            new OffsetCommitRequestTopic().setName("__consumer_offsets").setPartitions(List.of(
                                    new OffsetCommitRequestPartition().setPartitionIndex(0))))));
            assertThat(error(wrongGeneration.data().topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.ILLEGAL_GENERATION);
            OffsetCommitResponse noGroup = c.send(ApiKeys.OFFSET_COMMIT, 9, new OffsetCommitRequestData()
                    .setGroupId("").setTopics(List.of(new OffsetCommitRequestTopic().setName("__consumer_offsets")
                            .setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0))))));
            assertThat(error(noGroup.data().topics().get(0).partitions().get(0).errorCode()))
                    .isEqualTo(Errors.INVALID_GROUP_ID);

            HeartbeatResponse stillGood = c.send(ApiKeys.HEARTBEAT, 4, new HeartbeatRequestData()
                    .setGroupId("g-good").setGenerationId(1).setMemberId(member));
            assertThat(error(stillGood.data().errorCode())).isEqualTo(Errors.NONE);
        }
    }
}
