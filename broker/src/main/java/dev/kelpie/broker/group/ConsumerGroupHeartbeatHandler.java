package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;

/**
 * ConsumerGroupHeartbeat (key 68, v0–1): the KIP-848 consumer protocol, see {@link ConsumerGroups}. v1 members
 * choose their member id (KIP-1082); v0 ones may leave it empty and get one. Errors (INVALID_REQUEST,
 * UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH, UNRELEASED_INSTANCE_ID, GROUP_ID_NOT_FOUND, UNSUPPORTED_ASSIGNOR,
 * coordinator errors) come back with their message.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
    }

    @Override
    public Class<ConsumerGroupHeartbeatRequest> requestType() {
        return ConsumerGroupHeartbeatRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, ConsumerGroupHeartbeatRequest request) {
        ConsumerGroups.Heartbeat hb = new ConsumerGroups.Heartbeat(request.data(),
                context.clientId() == null ? "" : context.clientId(), GroupHandlers.clientHost(context),
                request.version());
        return coordinator.consumerGroupHeartbeat(hb).thenApply(ConsumerGroupHeartbeatResponse::new);
    }
}
