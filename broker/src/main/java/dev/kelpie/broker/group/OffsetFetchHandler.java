package dev.kelpie.broker.group;

import dev.kelpie.broker.group.GroupRecord.OffsetValue;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch (key 9, v1–10; several groups from v8, topics by id from v10): the committed offset, leader
 * epoch and metadata of each asked partition (offset -1 when none), or of every committed partition when no
 * topics are given. Offsets are read once every earlier commit of the group's shard is durable, so
 * {@code requireStable} never waits (there are no transactional offsets yet). v9+ members of consumer groups
 * are checked (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH). Group-level errors are the group's error (v8+), the
 * top-level error (v2–7) or every partition's (v1).
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {
    private final GroupCoordinator coordinator;
    private final MetadataCache cache;

    public OffsetFetchHandler(GroupCoordinator coordinator, MetadataCache cache) {
        this.coordinator = coordinator;
        this.cache = cache;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public Class<OffsetFetchRequest> requestType() {
        return OffsetFetchRequest.class;
    }

    /** One partition's answer: a found offset, none, or an error known before asking the coordinator. */
    private record Slot(String topic, Uuid topicId, int partition, Errors error) {}

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, OffsetFetchRequest request) {
        short version = request.version();
        MetadataImage image = cache.image();
        List<CompletableFuture<OffsetFetchResponseGroup>> groups = new ArrayList<>();
        for (OffsetFetchRequestGroup group : request.groups()) {
            groups.add(fetchGroup(group, version, image));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<OffsetFetchResponseGroup> answers = groups.stream().map(CompletableFuture::join).toList();
            if (version >= 8) {
                return new OffsetFetchResponse(new OffsetFetchResponseData().setGroups(answers), version);
            }
            return new OffsetFetchResponse(single(answers.get(0), version), version);
        });
    }

    private CompletableFuture<OffsetFetchResponseGroup> fetchGroup(OffsetFetchRequestGroup group, short version,
            MetadataImage image) {
        boolean byId = version >= 10;
        List<Slot> slots = group.topics() == null ? null : new ArrayList<>();
        List<TopicPartition> asked = group.topics() == null ? null : new ArrayList<>();
        if (group.topics() != null) {
            for (OffsetFetchRequestTopics t : group.topics()) {
                TopicImage topic = byId ? image.topic(t.topicId()).orElse(null) : null;
                String name = byId ? (topic == null ? null : topic.name()) : t.name();
                for (int p : t.partitionIndexes()) {
                    slots.add(new Slot(name, t.topicId(), p, byId && topic == null ? Errors.UNKNOWN_TOPIC_ID : null));
                    if (name != null) {
                        asked.add(new TopicPartition(name, p));
                    }
                }
            }
        }
        String memberId = version >= 9 ? group.memberId() : null;
        int memberEpoch = version >= 9 ? group.memberEpoch() : -1;
        return coordinator.fetchOffsets(group.groupId(), memberId, memberEpoch, asked)
                .exceptionally(e -> new OffsetManager.FetchResult(Errors.forException(CoordinatorErrors.map(e)),
                        Map.of()))
                .thenApply(result -> answer(group.groupId(), slots, result, version, image));
    }

    private static OffsetFetchResponseGroup answer(String groupId, List<Slot> slots, OffsetManager.FetchResult result,
            short version, MetadataImage image) {
        boolean byId = version >= 10;
        OffsetFetchResponseGroup out = new OffsetFetchResponseGroup().setGroupId(groupId)
                .setErrorCode(result.error().code());
        List<Slot> all = slots;
        if (result.error() != Errors.NONE) {
            if (version >= 2 || slots == null) {
                return out;
            }
            // v1 has no top-level error: every partition carries it
            all = slots.stream().map(s -> new Slot(s.topic(), s.topicId(), s.partition(), result.error())).toList();
        }
        if (all == null) {
            all = new ArrayList<>();
            for (TopicPartition tp : result.offsets().keySet()) {
                Uuid id = image.topic(tp.topic()).map(TopicImage::id).orElse(null);
                if (!byId || id != null) {
                    all.add(new Slot(tp.topic(), id == null ? Uuid.ZERO_UUID : id, tp.partition(), null));
                }
            }
        }
        Map<String, OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
        for (Slot s : all) {
            String key = byId ? s.topicId().toString() : s.topic();
            OffsetFetchResponseTopics t = topics.computeIfAbsent(key, k -> new OffsetFetchResponseTopics()
                    .setName(byId ? "" : s.topic()).setTopicId(byId ? s.topicId() : Uuid.ZERO_UUID));
            OffsetValue v = s.error() == null && s.topic() != null
                    ? result.offsets().get(new TopicPartition(s.topic(), s.partition())) : null;
            t.partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(s.partition())
                    .setErrorCode(s.error() == null ? Errors.NONE.code() : s.error().code())
                    .setCommittedOffset(v == null ? -1 : v.offset())
                    .setCommittedLeaderEpoch(v == null ? -1 : v.leaderEpoch())
                    .setMetadata(v == null ? "" : v.metadata()));
        }
        return out.setTopics(new ArrayList<>(topics.values()));
    }

    /** The v1–7 shape: one group, top-level error (v2+) or partition errors (v1). */
    private static OffsetFetchResponseData single(OffsetFetchResponseGroup group, short version) {
        OffsetFetchResponseData data = new OffsetFetchResponseData();
        Errors error = Errors.forCode(group.errorCode());
        if (version >= 2) {
            data.setErrorCode(error.code());
        }
        for (OffsetFetchResponseTopics t : group.topics()) {
            OffsetFetchResponseTopic topic = new OffsetFetchResponseTopic().setName(t.name());
            for (OffsetFetchResponsePartitions p : t.partitions()) {
                topic.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(p.errorCode()).setCommittedOffset(p.committedOffset())
                        .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata()));
            }
            data.topics().add(topic);
        }
        return data;
    }
}
