package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/**
 * LeaveGroup (key 13, v0–5; v3+ leave several members, by member or instance id): see
 * {@link ClassicMembership}. Before v3 the one member's error is the top-level error.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public Class<LeaveGroupRequest> requestType() {
        return LeaveGroupRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, LeaveGroupRequest request) {
        short version = request.version();
        return coordinator.leaveGroup(request.data().groupId(), request.members()).thenApply(r ->
                new LeaveGroupResponse(r.members(), Errors.forCode(r.errorCode()), 0, version));
    }
}
