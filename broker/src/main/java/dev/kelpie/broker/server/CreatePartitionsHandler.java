package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.metadata.Controller.PartitionsIncrease;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/**
 * CreatePartitions (key 37, v0–3): raises a topic's partition count; a count not above the current one is
 * INVALID_PARTITIONS, a topic listed twice INVALID_REQUEST. Manual assignments for the new partitions are
 * checked by the controller. {@code validateOnly} commits nothing.
 *
 * <p>Thread-safety: stateless.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final Controller controller;

    public CreatePartitionsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public Class<CreatePartitionsRequest> requestType() {
        return CreatePartitionsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, CreatePartitionsRequest request) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        request.data().topics().forEach(t -> {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        });
        List<PartitionsIncrease> increases = new ArrayList<>();
        for (CreatePartitionsTopic t : request.data().topics()) {
            if (!duplicates.contains(t.name())) {
                List<List<Integer>> assignments = null;
                if (t.assignments() != null) {
                    assignments = new ArrayList<>();
                    for (CreatePartitionsAssignment a : t.assignments()) {
                        assignments.add(List.copyOf(a.brokerIds()));
                    }
                }
                increases.add(new PartitionsIncrease(t.name(), t.count(), assignments));
            }
        }
        return controller.createPartitions(increases, request.data().validateOnly()).thenApply(results -> {
            CreatePartitionsResponseData data = new CreatePartitionsResponseData();
            for (int i = 0; i < increases.size(); i++) {
                data.results().add(result(increases.get(i).topic(), results.get(i)));
            }
            duplicates.forEach(name -> data.results().add(result(name,
                    new ApiError(Errors.INVALID_REQUEST, "Duplicate topic in request."))));
            return new CreatePartitionsResponse(data);
        });
    }

    private static CreatePartitionsTopicResult result(String name, ApiError error) {
        return new CreatePartitionsTopicResult().setName(name).setErrorCode(error.error().code())
                .setErrorMessage(error.isFailure() ? error.messageWithFallback() : null);
    }
}
