package dev.kelpie.broker.group;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

/**
 * OffsetDelete (key 47, v0): deletes a group's committed offsets of the given partitions. Unknown group
 * GROUP_ID_NOT_FOUND, a non-empty group not using the consumer protocol NON_EMPTY_GROUP (top level); a topic
 * the group's members subscribe to GROUP_SUBSCRIBED_TO_TOPIC, an unknown topic UNKNOWN_TOPIC_OR_PARTITION
 * (per partition).
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest> {
    private final GroupCoordinator coordinator;
    private final MetadataCache cache;

    public OffsetDeleteHandler(GroupCoordinator coordinator, MetadataCache cache) {
        this.coordinator = coordinator;
        this.cache = cache;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public Class<OffsetDeleteRequest> requestType() {
        return OffsetDeleteRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, OffsetDeleteRequest request) {
        MetadataImage image = cache.image();
        List<TopicPartition> known = new ArrayList<>();
        for (OffsetDeleteRequestTopic t : request.data().topics()) {
            TopicImage topic = image.topic(t.name()).orElse(null);
            for (OffsetDeleteRequestPartition p : t.partitions()) {
                if (topic != null && topic.partition(p.partitionIndex()) != null) {
                    known.add(new TopicPartition(t.name(), p.partitionIndex()));
                }
            }
        }
        return coordinator.deleteOffsets(request.data().groupId(), known)
                .exceptionally(e -> new OffsetManager.DeleteResult(Errors.forException(CoordinatorErrors.map(e)),
                        Map.of()))
                .thenApply(result -> respond(request, result));
    }

    private static AbstractResponse respond(OffsetDeleteRequest request, OffsetManager.DeleteResult result) {
        OffsetDeleteResponseData data = new OffsetDeleteResponseData().setErrorCode(result.error().code());
        if (result.error() == Errors.NONE) {
            for (OffsetDeleteRequestTopic t : request.data().topics()) {
                OffsetDeleteResponseTopic topic = new OffsetDeleteResponseTopic().setName(t.name());
                for (OffsetDeleteRequestPartition p : t.partitions()) {
                    Errors error = result.partitions().getOrDefault(new TopicPartition(t.name(), p.partitionIndex()),
                            Errors.UNKNOWN_TOPIC_OR_PARTITION);
                    topic.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(error.code()));
                }
                data.topics().add(topic);
            }
        }
        return new OffsetDeleteResponse(data);
    }
}
