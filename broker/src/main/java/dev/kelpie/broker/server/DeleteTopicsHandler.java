package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.metadata.Controller.DeleteTopicResult;
import dev.kelpie.broker.metadata.Controller.TopicRef;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * DeleteTopics (key 20, v1–6): by name (v1–5, and v6 with a name) or by id (v6): UNKNOWN_TOPIC_OR_PARTITION
 * or UNKNOWN_TOPIC_ID when absent; a v6 entry with both or neither is INVALID_REQUEST. The controller
 * commits the removal; the partition logs are deleted before the answer.
 *
 * <p>Thread-safety: stateless.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final Controller controller;

    public DeleteTopicsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public Class<DeleteTopicsRequest> requestType() {
        return DeleteTopicsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, DeleteTopicsRequest request) {
        List<TopicRef> refs = new ArrayList<>();
        List<DeletableTopicResult> invalid = new ArrayList<>();
        if (request.version() < 6) {
            request.data().topicNames().forEach(name -> refs.add(new TopicRef(name, null)));
        } else {
            for (DeleteTopicState t : request.data().topics()) {
                boolean hasId = t.topicId() != null && !Uuid.ZERO_UUID.equals(t.topicId());
                if ((t.name() != null) == hasId) {
                    invalid.add(new DeletableTopicResult().setName(t.name()).setTopicId(t.topicId())
                            .setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Name a topic by exactly one of name and id"));
                } else {
                    refs.add(hasId ? new TopicRef(null, t.topicId()) : new TopicRef(t.name(), null));
                }
            }
        }
        return controller.deleteTopics(refs).thenApply(results -> {
            DeleteTopicsResponseData data = new DeleteTopicsResponseData();
            for (DeleteTopicResult r : results) {
                DeletableTopicResult out = new DeletableTopicResult().setName(r.name())
                        .setTopicId(r.topicId() == null ? Uuid.ZERO_UUID : r.topicId())
                        .setErrorCode(r.error().error().code());
                if (r.error().isFailure()) {
                    out.setErrorMessage(r.error().messageWithFallback());
                }
                data.responses().add(out);
            }
            invalid.forEach(data.responses()::add);
            return new DeleteTopicsResponse(data);
        });
    }
}
