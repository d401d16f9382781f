package dev.kelpie.broker.group;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/**
 * OffsetCommit (key 8, v2–10; topics by name up to v9, by id from v10): partitions of unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID by id), the others go to the group's coordinator shard
 * ({@link OffsetManager}), which checks generation or member epoch and answers once the offsets are durable.
 * A coordinator-level failure (not the coordinator, loading) is every partition's error. An empty group id is
 * INVALID_GROUP_ID.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest> {
    private final GroupCoordinator coordinator;
    private final MetadataCache cache;

    public OffsetCommitHandler(GroupCoordinator coordinator, MetadataCache cache) {
        this.coordinator = coordinator;
        this.cache = cache;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public Class<OffsetCommitRequest> requestType() {
        return OffsetCommitRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, OffsetCommitRequest request) {
        OffsetCommitRequestData data = request.data();
        short version = request.version();
        boolean byId = version >= 10;
        MetadataImage image = cache.image();
        List<OffsetManager.CommitPartition> partitions = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            TopicImage resolved = byId ? image.topic(topic.topicId()).orElse(null)
                    : image.topic(topic.name()).orElse(null);
            for (OffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = null;
                if (resolved == null) {
                    error = byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (resolved.partition(p.partitionIndex()) == null) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                }
                partitions.add(new OffsetManager.CommitPartition(resolved == null ? topic.name() : resolved.name(),
                        p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(),
                        error));
            }
        }
        CompletableFuture<List<Errors>> results;
        if (data.groupId() == null || data.groupId().isEmpty()) {
            results = CompletableFuture.completedFuture(partitions.stream().map(p -> Errors.INVALID_GROUP_ID).toList());
        } else {
            OffsetManager.CommitArgs commit = new OffsetManager.CommitArgs(data.groupId(),
                    data.generationIdOrMemberEpoch(), data.memberId(), data.groupInstanceId(), version, partitions);
            results = coordinator.commitOffsets(commit).exceptionally(e -> {
                Errors error = Errors.forException(CoordinatorErrors.map(e));
                return partitions.stream().map(p -> error).toList();
            });
        }
        return results.thenApply(errors -> respond(data, errors));
    }

    private static AbstractResponse respond(OffsetCommitRequestData data, List<Errors> errors) {
        OffsetCommitResponseData out = new OffsetCommitResponseData();
        int i = 0;
        for (OffsetCommitRequestTopic topic : data.topics()) {
            OffsetCommitResponseTopic t = new OffsetCommitResponseTopic().setName(topic.name())
                    .setTopicId(topic.topicId());
            for (OffsetCommitRequestPartition p : topic.partitions()) {
                t.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(errors.get(i++).code()));
            }
            out.topics().add(t);
        }
        return new OffsetCommitResponse(out);
    }
}
