package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * SyncGroup (key 14, v0–5): see {@link ClassicMembership}. Followers' answers are held until the leader's
 * assignment is durable. v5 checks and echoes the protocol type and name.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequest> {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public Class<SyncGroupRequest> requestType() {
        return SyncGroupRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, SyncGroupRequest request) {
        SyncGroupRequestData data = request.data();
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestAssignment a : data.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        short version = request.version();
        ClassicMembership.SyncArgs sync = new ClassicMembership.SyncArgs(data.groupId(), data.generationId(),
                data.memberId(), data.groupInstanceId(), version >= 5 ? data.protocolType() : null,
                version >= 5 ? data.protocolName() : null, assignments);
        return coordinator.syncGroup(sync).thenApply(r -> {
            if (version < 5) {
                r.setProtocolType(null).setProtocolName(null);
            }
            return new SyncGroupResponse(r);
        });
    }
}
