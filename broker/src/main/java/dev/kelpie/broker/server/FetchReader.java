package dev.kelpie.broker.server;

import dev.kelpie.broker.log.LogReadInfo;
import dev.kelpie.broker.log.SegmentedLog;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ApiError;

/**
 * Reads a {@link FetchPlan} from the partition logs into a Fetch response body.
 *
 * <p>Per partition: the fetch offset must lie in {@code [log start, log end]} (else OFFSET_OUT_OF_RANGE);
 * records come from {@code [fetch offset, high watermark)} only, as a zero-copy {@code FileSlice} of at most
 * {@code min(partition max bytes, bytes left in max.bytes)}; the first partition that returns data returns at
 * least one whole batch even when it is larger, or when the budget is 0 (KIP-74, as Kafka's segment read). A
 * negative {@code max.bytes} or partition max bytes is a budget of 0 (Kafka's log read would fail on it with
 * UNKNOWN_SERVER_ERROR). Slices of an empty read are released at once; every
 * other slice is owned by the response, which the network layer releases after sending.
 *
 * <p>Thread-safety: stateless; called on partition threads (never on an event loop: reads touch files).
 */
final class FetchReader {
    private final PartitionManager partitions;

    FetchReader(PartitionManager partitions) {
        this.partitions = partitions;
    }

    /** The response body and how many record bytes it carries. */
    record Result(FetchResponseData data, long bytes, boolean anyError) {}

    Result read(FetchPlan plan) {
        FetchResponseData data = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
        try {
            return readInto(plan, data);
        } catch (RuntimeException e) {
            release(data);
            throw e;
        }
    }

    private Result readInto(FetchPlan plan, FetchResponseData data) {
        long bytes = 0;
        boolean anyError = false;
        for (FetchPlan.Topic topic : plan.topics()) {
            List<PartitionData> out = new ArrayList<>(topic.partitions().size());
            for (FetchPlan.Item item : topic.partitions()) {
                PartitionData pd = new PartitionData().setPartitionIndex(item.partition());
                if (plan.isolation() == IsolationLevel.READ_COMMITTED) {
                    pd.setAbortedTransactions(new ArrayList<>());
                }
                // A negative max.bytes leaves no budget; clamped so the int cast below cannot wrap positive.
                long budget = Math.max(0, plan.maxBytes() - bytes);
                try {
                    bytes += readPartition(item, pd, (int) Math.min(item.partitionMaxBytes(), budget), bytes == 0);
                } catch (ApiException e) {
                    anyError = true;
                    pd.setErrorCode(ApiError.fromThrowable(e).error().code()).setRecords(MemoryRecords.EMPTY);
                }
                out.add(pd);
            }
            data.responses().add(new FetchableTopicResponse().setTopic(topic.name()).setTopicId(topic.id())
                    .setPartitions(out));
        }
        return new Result(data, bytes, anyError);
    }

    private long readPartition(FetchPlan.Item item, PartitionData pd, int maxBytes, boolean minOneBatch) {
        if (item.error() != null) {
            throw item.error().exception();
        }
        Partition p = partitions.partition(item.topicPartition())
                .filter(candidate -> candidate.topicId().equals(item.topicId()))
                .orElseThrow(() -> new NotLeaderOrFollowerException("Not the leader of " + item.topicPartition()));
        p.checkLeaderEpoch(item.currentLeaderEpoch());
        SegmentedLog log = p.log();
        if (!log.isOnline()) {
            throw new KafkaStorageException("The log of " + item.topicPartition() + " is offline");
        }
        long hw = p.highWatermark();
        long logStart = log.logStartOffset();
        pd.setHighWatermark(hw).setLastStableOffset(hw).setLogStartOffset(logStart).setRecords(MemoryRecords.EMPTY);
        long offset = item.fetchOffset();
        if (offset < logStart || offset > log.logEndOffset()) {
            throw new OffsetOutOfRangeException("Fetch offset " + offset + " of " + item.topicPartition()
                    + " is outside [" + logStart + ", " + log.logEndOffset() + "]");
        }
        if (offset >= hw || maxBytes <= 0 && !minOneBatch) {
            return 0;
        }
        LogReadInfo info = log.read(offset, Math.max(0, maxBytes), hw, minOneBatch);
        int size = info.records().sizeInBytes();
        if (size == 0) {
            info.records().release();
            return 0;
        }
        pd.setRecords(info.records());
        return size;
    }

    /** Releases every file slice of a response that will not be sent. */
    static void release(FetchResponseData data) {
        for (FetchableTopicResponse topic : data.responses()) {
            for (PartitionData pd : topic.partitions()) {
                if (pd.records() instanceof dev.kelpie.broker.log.FileSlice slice && !slice.isReleased()) {
                    slice.release();
                }
                pd.setRecords(MemoryRecords.EMPTY);
            }
        }
    }
}
