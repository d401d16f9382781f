package dev.kelpie.broker.server;

import dev.kelpie.broker.log.PartitionLog;
import dev.kelpie.broker.log.PartitionLog.TimestampAndOffset;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets (key 2, v1–11).
 *
 * <ul>
 *   <li>-2 earliest, -4 earliest local: the log start offset.
 *   <li>-1 latest: the high watermark (also the last stable offset: no transactions yet), with the current
 *       leader epoch.
 *   <li>-3 max timestamp: the offset of the record with the largest timestamp.
 *   <li>-5 latest tiered, -6 earliest pending upload: no tiered storage, so offset and timestamp -1.
 *   <li>a time: the first offset whose timestamp is at or after it; -1/-1 when there is none.
 * </ul>
 * Answers at or above the high watermark are not visible to consumers and come back as -1/-1. The leader
 * epoch is only written from v4 (the field does not exist before and would not encode).
 *
 * <p>Thread-safety: stateless; lookups run on the partitions' owner threads (they read index files).
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private final MetadataCache cache;
    private final PartitionManager partitions;

    public ListOffsetsHandler(MetadataCache cache, PartitionManager partitions) {
        this.cache = cache;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public Class<ListOffsetsRequest> requestType() {
        return ListOffsetsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, ListOffsetsRequest request) {
        MetadataImage image = cache.image();
        boolean withEpoch = request.version() >= 4;
        List<ListOffsetsTopicResponse> topics = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (ListOffsetsTopic topic : request.data().topics()) {
            ListOffsetsTopicResponse out = new ListOffsetsTopicResponse().setName(topic.name());
            topics.add(out);
            for (ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse slot = new ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex());
                out.partitions().add(slot);
                pending.add(PartitionLookup.call(image, partitions, topic.name(), p.partitionIndex(),
                        partition -> lookup(partition, p)).handle((found, failure) -> {
                            fill(slot, found, failure, withEpoch, topic.name());
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(ignored ->
                new ListOffsetsResponse(new ListOffsetsResponseData().setTopics(topics)));
    }

    private static Optional<TimestampAndOffset> lookup(Partition partition, ListOffsetsPartition request) {
        partition.checkLeaderEpoch(request.currentLeaderEpoch());
        long hw = partition.highWatermark();
        long timestamp = request.timestamp();
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return Optional.of(new TimestampAndOffset(-1, hw, partition.leaderEpoch()));
        }
        if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            return Optional.empty();
        }
        PartitionLog log = partition.log();
        return log.offsetForTimestamp(timestamp).filter(found -> found.offset() < hw
                || timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP);
    }

    private static void fill(ListOffsetsPartitionResponse slot, Optional<TimestampAndOffset> found, Throwable failure,
            boolean withEpoch, String topic) {
        if (failure != null) {
            ApiError error = ErrorMapping.toApiError(failure, "ListOffsets on " + topic);
            slot.setErrorCode(error.error().code()).setTimestamp(-1).setOffset(-1);
            return;
        }
        slot.setErrorCode(Errors.NONE.code());
        if (found.isEmpty()) {
            slot.setTimestamp(ListOffsetsResponse.UNKNOWN_TIMESTAMP).setOffset(ListOffsetsResponse.UNKNOWN_OFFSET);
            return;
        }
        slot.setTimestamp(found.get().timestamp()).setOffset(found.get().offset());
        if (withEpoch) {
            slot.setLeaderEpoch(found.get().leaderEpoch());
        }
    }
}
