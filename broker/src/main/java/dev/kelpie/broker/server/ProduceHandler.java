package dev.kelpie.broker.server;

import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.metrics.TopicMetrics;
import dev.kelpie.broker.network.RequestContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidRequiredAcksException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Produce (key 0, advertised v0–13, served v3–13; topics by name up to v12, by id from v13).
 *
 * <p>Each partition's single v2 batch ({@code ProduceRequest.validateRecords}) is appended on the partition's
 * owner thread: a snappy stream's chunk headers checked first ({@link SnappyFrames}), recompressed when the
 * topic's {@code compression.type} names a codec other than the producer's ({@link Recompressor}), then
 * validated, given offsets and written by the log, which also runs the idempotent-producer checks and caps
 * how far a compressed batch may inflate ({@link LogConfig#inflatedBatchBytesMax()}). {@code acks=0} and {@code acks=1} are answered once the batch is in the
 * log (acks=0 with no response at all, and the connection closed if any partition failed, as Kafka does);
 * {@code acks=all} once it is committed, i.e. durable under the
 * topic's flush policy (fsynced by default, group-committed). {@code min.insync.replicas} is stored, not
 * enforced, until there are replicas. Errors are per partition; a request naming a transactional id is
 * refused (transactions are not implemented yet). Appended bytes (as received) and records count per topic
 * in {@link TopicMetrics}; retried duplicates do not.
 *
 * <p>Thread-safety: stateless; runs on the event loop and hands each partition to its owner.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private final MetadataCache cache;
    private final PartitionManager partitions;
    private final TopicMetrics topicMetrics;

    public ProduceHandler(MetadataCache cache, PartitionManager partitions, TopicMetrics topicMetrics) {
        this.cache = cache;
        this.partitions = partitions;
        this.topicMetrics = topicMetrics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    @Override
    public Class<ProduceRequest> requestType() {
        return ProduceRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, ProduceRequest request) {
        short version = request.version();
        if (version < 3) {
            throw new UnsupportedVersionException("Produce v" + version + " is not supported; use v3 or later");
        }
        if (request.data().transactionalId() != null) {
            throw new UnsupportedVersionException("Transactions are not supported by this broker yet");
        }
        short acks = request.acks();
        MetadataImage image = cache.image();
        List<TopicProduceResponse> topics = new ArrayList<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (TopicProduceData topic : request.data().topicData()) {
            TopicImage resolved = version >= 13 ? image.topic(topic.topicId()).orElse(null)
                    : image.topic(topic.name()).orElse(null);
            TopicProduceResponse out = new TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId());
            topics.add(out);
            for (PartitionProduceData data : topic.partitionData()) {
                PartitionProduceResponse slot = new PartitionProduceResponse().setIndex(data.index());
                out.partitionResponses().add(slot);
                pending.add(producePartition(version, acks, request.timeout(), resolved, data)
                        .handle((result, failure) -> {
                            fill(slot, result, failure, topic.name(), data.index());
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            if (acks == 0) {
                failIfAnyError(topics);
                return null;
            }
            return new ProduceResponse(new ProduceResponseData().setResponses(
                    new ProduceResponseData.TopicProduceResponseCollection(topics.iterator())));
        });
    }

    /**
     * acks=0: the producer reads no response, so, as Kafka does, an error closes the connection instead (the
     * network layer closes it when the stage fails), which makes the producer refresh its metadata.
     */
    private static void failIfAnyError(List<TopicProduceResponse> topics) {
        for (TopicProduceResponse topic : topics) {
            for (PartitionProduceResponse p : topic.partitionResponses()) {
                if (p.errorCode() != Errors.NONE.code()) {
                    throw Errors.forCode(p.errorCode()).exception(p.errorMessage());
                }
            }
        }
    }

    private CompletableFuture<AppendResult> producePartition(short version, short acks, int timeoutMs,
            TopicImage topic, PartitionProduceData data) {
        try {
            if (acks != 0 && acks != 1 && acks != -1) {
                throw new InvalidRequiredAcksException("acks must be 0, 1 or -1, not " + acks);
            }
            if (topic == null) {
                throw version >= 13 ? new UnknownTopicIdException("Unknown topic id")
                        : new UnknownTopicOrPartitionException("Unknown topic");
            }
            if (topic.partition(data.index()) == null) {
                throw new UnknownTopicOrPartitionException("Topic " + topic.name() + " has no partition "
                        + data.index());
            }
            if (!(data.records() instanceof MemoryRecords)) {
                throw new InvalidRecordException("Produce to " + topic.name() + "-" + data.index() + " has no records");
            }
            validateFraming(version, data.records());
            MemoryRecords records = (MemoryRecords) data.records();
            TopicPartition tp = new TopicPartition(topic.name(), data.index());
            Uuid topicId = topic.id();
            return partitions.callAppend(tp, p -> append(p, topicId, records, acks, timeoutMs));
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * kafka-clients' framing checks (one v2 batch per partition; no zstd before v7). A length field that makes
     * its batch iterator fail with something other than a Kafka error (an overflowing batch length, an unknown
     * codec id) is a corrupt batch, not a broker failure.
     */
    private static void validateFraming(short version, BaseRecords records) {
        try {
            ProduceRequest.validateRecords(version, records);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptRecordException("Malformed record batch: " + e);
        }
    }

    /**
     * Owner thread of {@code p}. The request's timeout starts here, once the records are in the log (as Kafka's
     * delayed produce): a stage that timed out earlier would hand the records' network buffer back to the pool
     * while this task may still be queued to read it ({@link dev.kelpie.broker.network.RequestHandler}).
     */
    private CompletionStage<AppendResult> append(Partition p, Uuid topicId, MemoryRecords records, short acks,
            int timeoutMs) {
        if (!p.topicId().equals(topicId)) {
            throw new NotLeaderOrFollowerException("Topic " + p.topicPartition().topic() + " was re-created");
        }
        LogConfig config = p.log().config();
        guardSnappy(records, config);
        Partition.Appended appended = p.appendAsLeader(Recompressor.apply(records, config));
        if (!appended.info().duplicate()) {
            topicMetrics.produced(p.topicPartition().topic(), records.sizeInBytes(), appended.info().recordCount());
        }
        AppendResult result = new AppendResult(appended.info().firstOffset(), appended.info().logAppendTimeMs(),
                appended.info().logStartOffset());
        if (acks == -1) {
            CompletableFuture<AppendResult> committed = appended.committed().thenApply(v -> result);
            return timeoutMs > 0 ? committed.orTimeout(timeoutMs, TimeUnit.MILLISECONDS) : committed;
        }
        return CompletableFuture.completedFuture(result);
    }

    /** snappy-java allocates what a snappy stream declares: {@link SnappyFrames} checks it first. */
    private static void guardSnappy(MemoryRecords records, LogConfig config) {
        MutableRecordBatch batch = records.batches().iterator().next();
        if (batch.magic() == RecordBatch.MAGIC_VALUE_V2 && Recompressor.codec(batch) == CompressionType.SNAPPY
                && batch.sizeInBytes() <= records.sizeInBytes()) {
            ByteBuffer stream = records.buffer().duplicate();
            stream.limit(stream.position() + batch.sizeInBytes())
                    .position(stream.position() + DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
            SnappyFrames.check(stream, config.inflatedBatchBytesMax());
        }
    }

    private static void fill(PartitionProduceResponse slot, AppendResult result, Throwable failure, String topic,
            int partition) {
        if (failure == null) {
            slot.setErrorCode(Errors.NONE.code()).setBaseOffset(result.baseOffset())
                    .setLogAppendTimeMs(result.logAppendTimeMs()).setLogStartOffset(result.logStartOffset());
            return;
        }
        ApiError error = ErrorMapping.toApiError(failure, "produce to " + topic + "-" + partition);
        slot.setErrorCode(error.error().code()).setErrorMessage(error.message()).setBaseOffset(-1)
                .setLogAppendTimeMs(-1).setLogStartOffset(-1);
    }

    private record AppendResult(long baseOffset, long logAppendTimeMs, long logStartOffset) {}
}
