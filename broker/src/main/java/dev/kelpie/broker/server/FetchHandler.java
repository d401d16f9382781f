package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch (key 1, v4–18; topics by name up to v12, by id from v13).
 *
 * <p>Sessionless: requests must use session id 0 (epoch -1, or 0 to ask for a session, which is answered
 * with session id 0 so the client keeps sending full fetches); another session id is
 * FETCH_SESSION_ID_NOT_FOUND, another epoch INVALID_FETCH_SESSION_EPOCH.
 *
 * <p>Long poll: the first read runs on a partition thread ({@link FetchReader}); if it found fewer than
 * {@code min.bytes}, had no error and {@code max.wait.ms > 0}, its slices are released and a
 * {@link DelayedFetch} waits in the {@link Purgatory}, woken by high-watermark advances on its partitions
 * and timed out by the wheel timer; it then reads again and answers. Records never pass the high watermark.
 *
 * <p>Thread-safety: stateless; runs on the event loop only to resolve names and ids.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {
    private final MetadataCache cache;
    private final PartitionManager partitions;
    private final FetchReader reader;

    public FetchHandler(MetadataCache cache, PartitionManager partitions) {
        this.cache = cache;
        this.partitions = partitions;
        this.reader = new FetchReader(partitions);
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public Class<FetchRequest> requestType() {
        return FetchRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, FetchRequest request) {
        FetchRequestData data = request.data();
        if (data.sessionId() != 0) {
            return sessionError(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        if (data.sessionEpoch() != -1 && data.sessionEpoch() != 0) {
            return sessionError(Errors.INVALID_FETCH_SESSION_EPOCH);
        }
        FetchPlan plan = resolve(request, cache.image());
        List<FetchPlan.Item> items = plan.items();
        CompletableFuture<AbstractResponse> result = new CompletableFuture<>();
        Executor executor = partitions.executorFor(items.isEmpty() ? new TopicPartition("", 0)
                : items.get(0).topicPartition());
        try {
            executor.execute(() -> firstRead(plan, executor, result));
        } catch (RejectedExecutionException e) {
            throw new NotLeaderOrFollowerException("The broker is shutting down");
        }
        return result;
    }

    private void firstRead(FetchPlan plan, Executor executor, CompletableFuture<AbstractResponse> result) {
        try {
            FetchReader.Result read = reader.read(plan);
            if (plan.maxWaitMs() <= 0 || read.bytes() >= plan.minBytes() || read.anyError() || plan.items().isEmpty()) {
                result.complete(FetchResponse.of(read.data()));
                return;
            }
            FetchReader.release(read.data());
            partitions.purgatory().watch(new DelayedFetch(plan, read.bytes(), partitions, reader, executor, result),
                    plan.maxWaitMs());
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private static FetchPlan resolve(FetchRequest request, MetadataImage image) {
        boolean byId = request.version() >= 13;
        List<FetchPlan.Topic> topics = new ArrayList<>();
        for (FetchTopic topic : request.data().topics()) {
            TopicImage resolved = byId ? image.topic(topic.topicId()).orElse(null) : image.topic(topic.topic()).orElse(null);
            String name = resolved != null ? resolved.name() : topic.topic();
            Uuid id = resolved != null ? resolved.id() : topic.topicId();
            Errors error = resolved != null ? null : byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            List<FetchPlan.Item> items = new ArrayList<>();
            for (FetchPartition p : topic.partitions()) {
                Errors itemError = error;
                if (itemError == null && resolved.partition(p.partition()) == null) {
                    itemError = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                }
                items.add(new FetchPlan.Item(new TopicPartition(name == null ? "" : name, p.partition()), id,
                        p.partition(), p.fetchOffset(), p.partitionMaxBytes(), p.currentLeaderEpoch(), itemError));
            }
            topics.add(new FetchPlan.Topic(topic.topic(), topic.topicId(), items));
        }
        return new FetchPlan(topics, request.maxBytes(), request.minBytes(), request.maxWait(),
                request.isolationLevel());
    }

    private static CompletionStage<AbstractResponse> sessionError(Errors error) {
        return CompletableFuture.completedFuture(FetchResponse.of(new FetchResponseData()
                .setErrorCode(error.code()).setSessionId(0)));
    }
}
