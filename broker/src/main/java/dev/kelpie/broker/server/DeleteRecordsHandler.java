package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords (key 21, v0–2): moves each partition's log start offset up to the given offset (-1 means the
 * high watermark) on the partition's owner thread and deletes whole segments below it. An offset above the
 * high watermark, or negative other than -1, is OFFSET_OUT_OF_RANGE. Answers the new low watermark.
 *
 * <p>Thread-safety: stateless.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private final MetadataCache cache;
    private final PartitionManager partitions;

    public DeleteRecordsHandler(MetadataCache cache, PartitionManager partitions) {
        this.cache = cache;
        this.partitions = partitions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public Class<DeleteRecordsRequest> requestType() {
        return DeleteRecordsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, DeleteRecordsRequest request) {
        MetadataImage image = cache.image();
        DeleteRecordsResponseData data = new DeleteRecordsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsTopicResult out = new DeleteRecordsTopicResult().setName(topic.name());
            data.topics().add(out);
            for (DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsPartitionResult slot = new DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partitionIndex());
                out.partitions().add(slot);
                pending.add(PartitionLookup.call(image, partitions, topic.name(), p.partitionIndex(),
                        partition -> deleteBefore(partition, p.offset())).handle((low, failure) -> {
                            if (failure != null) {
                                slot.setErrorCode(ErrorMapping.toApiError(failure, "DeleteRecords on " + topic.name())
                                        .error().code()).setLowWatermark(-1);
                            } else {
                                slot.setErrorCode(Errors.NONE.code()).setLowWatermark(low);
                            }
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> new DeleteRecordsResponse(data));
    }

    /** Owner thread. */
    private static long deleteBefore(Partition partition, long requested) {
        long hw = partition.highWatermark();
        long offset = requested == DeleteRecordsRequest.HIGH_WATERMARK ? hw : requested;
        if (offset < 0 || offset > hw) {
            throw new OffsetOutOfRangeException("Cannot delete records of " + partition.topicPartition()
                    + " before " + requested + ": the high watermark is " + hw);
        }
        return partition.log().deleteRecordsBefore(offset);
    }
}
