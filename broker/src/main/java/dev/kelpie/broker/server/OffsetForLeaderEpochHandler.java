package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch (key 23, v2–4): for each partition, the largest epoch at or below the requested one
 * and where it ends (the start of the next epoch, or the log end for the latest), from the log's
 * leader-epoch cache; UNDEFINED (-1, -1) when the epoch precedes them all. The client's current leader epoch
 * is checked first (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH). Consumers use it to validate their
 * position after a leader change; followers, later, to find where to truncate.
 *
 * <p>Thread-safety: stateless; runs on the partitions' owner threads.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {
    private final MetadataCache cache;
    private final PartitionManager partitions;

    public OffsetForLeaderEpochHandler(MetadataCache cache, PartitionManager partitions) {
        this.cache = cache;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public Class<OffsetsForLeaderEpochRequest> requestType() {
        return OffsetsForLeaderEpochRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        MetadataImage image = cache.image();
        OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderTopicResult out = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            data.topics().add(out);
            for (OffsetForLeaderPartition p : topic.partitions()) {
                EpochEndOffset slot = new EpochEndOffset().setPartition(p.partition());
                out.partitions().add(slot);
                pending.add(PartitionLookup.call(image, partitions, topic.topic(), p.partition(), partition -> {
                    partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    return partition.log().leaderEpochs().endOffsetFor(p.leaderEpoch(), partition.log().logEndOffset());
                }).handle((found, failure) -> {
                    fill(slot, found, failure, topic.topic());
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> new OffsetsForLeaderEpochResponse(data));
    }

    private static void fill(EpochEndOffset slot, Optional<dev.kelpie.broker.log.LeaderEpochCache.EpochEndOffset> found,
            Throwable failure, String topic) {
        if (failure != null) {
            slot.setErrorCode(ErrorMapping.toApiError(failure, "OffsetForLeaderEpoch on " + topic).error().code())
                    .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
                    .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
            return;
        }
        slot.setErrorCode(Errors.NONE.code())
                .setLeaderEpoch(found.map(e -> e.epoch()).orElse(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH))
                .setEndOffset(found.map(e -> e.endOffset()).orElse(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET));
    }
}
