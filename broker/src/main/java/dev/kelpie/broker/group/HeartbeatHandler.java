package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;

/**
 * Heartbeat (key 12, v0–4) of classic group members: see {@link ClassicMembership}.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.HEARTBEAT;
    }

    @Override
    public Class<HeartbeatRequest> requestType() {
        return HeartbeatRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, HeartbeatRequest request) {
        HeartbeatRequestData data = request.data();
        return coordinator.heartbeat(data.groupId(), data.memberId(), data.groupInstanceId(), data.generationId())
                .thenApply(error -> new HeartbeatResponse(new HeartbeatResponseData().setErrorCode(error.code())));
    }
}
