package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.network.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId (key 22, v0–5) for idempotent producers.
 *
 * <ul>
 *   <li>No current id ({@code -1/-1}, or v0–2): a new producer id with epoch 0.
 *   <li>A current id and epoch (v3+, KIP-360): the same id with the epoch bumped; when the epoch is
 *       exhausted, a new id with epoch 0. Kafka itself always returns a new id for a non-transactional
 *       producer; both are valid for clients (the sequence state of the old epoch is fenced either way). An id
 *       this cluster never handed out is INVALID_PRODUCER_ID_MAPPING.
 *   <li>An empty transactional id: INVALID_REQUEST, as Kafka's transaction coordinator answers.
 *   <li>A transactional id: transactions are not implemented yet, so UNSUPPORTED_VERSION.
 * </ul>
 *
 * <p>Thread-safety: stateless; ids come from {@link ProducerIdManager}.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private final ProducerIdManager ids;
    private final MetadataCache cache;

    public InitProducerIdHandler(ProducerIdManager ids, MetadataCache cache) {
        this.ids = ids;
        this.cache = cache;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public Class<InitProducerIdRequest> requestType() {
        return InitProducerIdRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        if (data.transactionalId() != null && data.transactionalId().isEmpty()) {
            return respond(new InitProducerIdResponseData().setErrorCode(Errors.INVALID_REQUEST.code())
                    .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH));
        }
        if (data.transactionalId() != null) {
            throw new UnsupportedVersionException("Transactions are not supported by this broker yet");
        }
        long currentId = data.producerId();
        short currentEpoch = data.producerEpoch();
        if (currentId == RecordBatch.NO_PRODUCER_ID && currentEpoch == RecordBatch.NO_PRODUCER_EPOCH) {
            return fresh();
        }
        if (currentId < 0 || currentId >= cache.image().nextProducerId() || currentEpoch < 0) {
            return respond(new InitProducerIdResponseData().setErrorCode(Errors.INVALID_PRODUCER_ID_MAPPING.code())
                    .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH));
        }
        if (currentEpoch >= Short.MAX_VALUE - 1) {
            return fresh();
        }
        return respond(new InitProducerIdResponseData().setProducerId(currentId)
                .setProducerEpoch((short) (currentEpoch + 1)));
    }

    private CompletionStage<AbstractResponse> fresh() {
        return ids.nextId().thenApply(id -> new InitProducerIdResponse(
                new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0)));
    }

    private static CompletionStage<AbstractResponse> respond(InitProducerIdResponseData data) {
        return CompletableFuture.completedFuture(new InitProducerIdResponse(data));
    }
}
