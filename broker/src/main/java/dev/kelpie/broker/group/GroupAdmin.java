package dev.kelpie.broker.group;

import dev.kelpie.broker.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups, DescribeGroups, ConsumerGroupDescribe and DeleteGroups on one shard.
 *
 * <p>DescribeGroups describes classic groups (an unknown one, or a consumer group, is Dead with no error before
 * v6 and GROUP_ID_NOT_FOUND from v6); member metadata and assignments are included when the group is STABLE.
 * ConsumerGroupDescribe describes consumer groups and answers GROUP_ID_NOT_FOUND for classic ones (the Admin
 * client then falls back to DescribeGroups). DeleteGroups deletes an empty group with its offsets
 * (NON_EMPTY_GROUP otherwise, GROUP_ID_NOT_FOUND for an unknown one).
 *
 * <p>Thread-safety: confined to its shard's thread.
 */
final class GroupAdmin {
    private final GroupShard shard;

    GroupAdmin(GroupShard shard) {
        this.shard = shard;
    }

    /** Groups whose state and type pass the (case-insensitive, empty = all) filters. */
    List<ListedGroup> list(Set<String> states, Set<String> types) {
        List<ListedGroup> out = new ArrayList<>();
        for (Group g : shard.groups.values()) {
            if (!states.isEmpty() && !states.contains(g.stateName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!types.isEmpty() && !types.contains(g.type())) {
                continue;
            }
            out.add(new ListedGroup().setGroupId(g.groupId()).setProtocolType(g.protocolType())
                    .setGroupState(g.stateName()).setGroupType(g.type()));
        }
        return out;
    }

    DescribedGroup describe(String groupId, short version) {
        Group group = shard.groups.get(groupId);
        if (!(group instanceof ClassicGroup classic) || classic.is(ClassicGroupState.DEAD)) {
            DescribedGroup dead = new DescribedGroup().setGroupId(groupId).setGroupState("Dead").setProtocolType("")
                    .setProtocolData("");
            if (version >= 6) {
                dead.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(group == null
                        ? "Group " + groupId + " not found." : "Group " + groupId + " is not a classic group.");
            }
            return dead;
        }
        boolean stable = classic.is(ClassicGroupState.STABLE);
        DescribedGroup out = new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.NONE.code())
                .setGroupState(classic.stateName()).setProtocolType(classic.protocolType())
                .setProtocolData(stable && classic.protocolName != null ? classic.protocolName : "");
        for (ClassicGroupMember m : classic.members.values()) {
            byte[] metadata = stable ? m.metadata(classic.protocolName) : null;
            out.members().add(new DescribedGroupMember().setMemberId(m.memberId()).setGroupInstanceId(m.instanceId)
                    .setClientId(m.clientId).setClientHost(m.clientHost)
                    .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                    .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return out;
    }

    ConsumerGroupDescribeResponseData.DescribedGroup describeConsumer(String groupId) {
        Group group = shard.groups.get(groupId);
        ConsumerGroupDescribeResponseData.DescribedGroup out = new ConsumerGroupDescribeResponseData.DescribedGroup()
                .setGroupId(groupId);
        if (!(group instanceof ConsumerGroup consumer)) {
            return out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(group == null
                    ? "Group " + groupId + " not found." : "Group " + groupId + " is not a consumer group.");
        }
        MetadataImage image = shard.image();
        out.setErrorCode(Errors.NONE.code()).setGroupState(consumer.stateName()).setGroupEpoch(consumer.groupEpoch)
                .setAssignmentEpoch(consumer.assignmentEpoch)
                .setAssignorName(shard.consumer.preferredAssignor(consumer.members.values()));
        consumer.members.forEach((memberId, m) -> out.members().add(new ConsumerGroupDescribeResponseData.Member()
                .setMemberId(memberId).setInstanceId(m.instanceId()).setRackId(m.rackId())
                .setMemberEpoch(m.memberEpoch()).setClientId(m.clientId()).setClientHost(m.clientHost())
                .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames()))
                .setSubscribedTopicRegex(m.subscribedTopicRegex())
                .setAssignment(describeAssignment(image, m.assigned()))
                .setTargetAssignment(describeAssignment(image, consumer.target(memberId)))
                .setMemberType((byte) 1)));
        return out;
    }

    private static ConsumerGroupDescribeResponseData.Assignment describeAssignment(MetadataImage image,
            Map<Uuid, Set<Integer>> partitions) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((id, set) -> topics.add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                .setTopicId(id).setTopicName(image.topic(id).map(t -> t.name()).orElse(""))
                .setPartitions(new ArrayList<>(set))));
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(topics);
    }

    /** DeleteGroups for one group: NONE once its tombstones are durable. */
    CompletableFuture<Errors> delete(String groupId) {
        Group group = shard.groups.get(groupId);
        if (group == null || group instanceof ClassicGroup c && c.is(ClassicGroupState.DEAD)) {
            return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        }
        if (!group.isEmpty() || group instanceof ClassicGroup c && !c.is(ClassicGroupState.EMPTY)) {
            return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
        }
        return shard.append(deletionRecords(group, true)).thenApply(v -> Errors.NONE);
    }

    /**
     * Tombstones that delete a group: its members' (and targets'), then the group's own, plus, when
     * {@code withOffsets}, its offsets. The group's held timers are cancelled.
     */
    List<GroupRecord> deletionRecords(Group group, boolean withOffsets) {
        List<GroupRecord> records = new ArrayList<>();
        String groupId = group.groupId();
        if (withOffsets) {
            shard.offsets.offsets(groupId).keySet().forEach(tp ->
                    records.add(new GroupRecord.Offset(groupId, tp.topic(), tp.partition(), null)));
        }
        if (group instanceof ClassicGroup classic) {
            classic.departedMembers.forEach(m -> records.add(new GroupRecord.ClassicMember(groupId, m, null)));
            classic.members.keySet().forEach(m -> records.add(new GroupRecord.ClassicMember(groupId, m, null)));
            records.add(new GroupRecord.ClassicGroupMeta(groupId, null));
            shard.timer.cancel(ClassicGroups.joinKey(groupId));
            shard.timer.cancel(ClassicGroups.syncKey(groupId));
        } else if (group instanceof ConsumerGroup consumer) {
            consumer.members.keySet().forEach(m -> {
                records.add(new GroupRecord.ConsumerTarget(groupId, m, null));
                records.add(new GroupRecord.ConsumerMember(groupId, m, null));
            });
            consumer.targets.keySet().forEach(m -> records.add(new GroupRecord.ConsumerTarget(groupId, m, null)));
            records.add(new GroupRecord.ConsumerGroupMeta(groupId, null));
        }
        return records;
    }
}
