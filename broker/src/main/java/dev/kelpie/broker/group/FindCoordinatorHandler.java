package dev.kelpie.broker.group;

import dev.kelpie.broker.metadata.BrokerRegistration;
import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator (key 10, v0–6; v4+ batch several keys): the broker leading the key's
 * {@code __consumer_offsets} partition, creating that topic on first use. Only group keys are served:
 * TRANSACTION keys get COORDINATOR_NOT_AVAILABLE (transactions are not implemented yet), other key types
 * INVALID_REQUEST. v0–3 answer in the top-level fields, v4+ per key.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final GroupCoordinator coordinator;

    public FindCoordinatorHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public Class<FindCoordinatorRequest> requestType() {
        return FindCoordinatorRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, FindCoordinatorRequest request) {
        short version = request.version();
        byte keyType = request.data().keyType();
        if (version < 4) {
            return find(request.data().key(), keyType).thenApply(c -> new FindCoordinatorResponse(
                    new FindCoordinatorResponseData().setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage())
                            .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port())));
        }
        List<CompletableFuture<Coordinator>> answers = new ArrayList<>();
        for (String key : request.data().coordinatorKeys()) {
            answers.add(find(key, keyType));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Coordinator> coordinators = new ArrayList<>();
            answers.forEach(a -> coordinators.add(a.join()));
            return new FindCoordinatorResponse(new FindCoordinatorResponseData().setCoordinators(coordinators));
        });
    }

    private CompletableFuture<Coordinator> find(String key, byte keyType) {
        Coordinator out = new Coordinator().setKey(key);
        if (keyType == CoordinatorType.TRANSACTION.id()) {
            return CompletableFuture.completedFuture(error(out, new CoordinatorNotAvailableException(
                    "Transactions are not supported by this broker yet")));
        }
        if (keyType != CoordinatorType.GROUP.id()) {
            return CompletableFuture.completedFuture(error(out, new InvalidRequestException(
                    "Coordinator key type " + keyType + " is not supported")));
        }
        if (key == null) {
            return CompletableFuture.completedFuture(error(out, new InvalidRequestException("No group id")));
        }
        return coordinator.findCoordinator(key).handle((broker, failure) -> failure == null ? found(out, broker)
                : error(out, CoordinatorErrors.map(failure)));
    }

    private static Coordinator found(Coordinator out, BrokerRegistration broker) {
        return out.setErrorCode(Errors.NONE.code()).setErrorMessage(null).setNodeId(broker.id())
                .setHost(broker.host()).setPort(broker.port());
    }

    private static Coordinator error(Coordinator out, ApiException e) {
        return out.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage()).setNodeId(-1)
                .setHost("").setPort(-1);
    }
}
