package dev.kelpie.broker.group;

import dev.kelpie.broker.group.ClassicGroupMember.Protocol;
import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

/**
 * JoinGroup (key 11, v0–9; v0 kept for librdkafka's feature probe): see {@link ClassicGroups}. The answer may be
 * held until the join phase completes (up to the group's rebalance timeout); nothing blocks meanwhile. v0 has
 * no rebalance timeout: the session timeout is used, as in Kafka.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequest> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public Class<JoinGroupRequest> requestType() {
        return JoinGroupRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, JoinGroupRequest request) {
        JoinGroupRequestData data = request.data();
        short version = request.version();
        List<Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestProtocol p : data.protocols()) {
            protocols.add(new Protocol(p.name(), p.metadata()));
        }
        int rebalanceTimeoutMs = version == 0 ? data.sessionTimeoutMs() : data.rebalanceTimeoutMs();
        ClassicJoin join = new ClassicJoin(data.groupId(), data.memberId() == null ? "" : data.memberId(),
                data.groupInstanceId(), data.protocolType(), protocols, data.sessionTimeoutMs(), rebalanceTimeoutMs,
                context.clientId() == null ? "" : context.clientId(), GroupHandlers.clientHost(context), version);
        return coordinator.joinGroup(join).thenApply(r -> new JoinGroupResponse(forVersion(r, version), version));
    }

    private static JoinGroupResponseData forVersion(JoinGroupResponseData r, short version) {
        if (r.leader() == null) {
            r.setLeader("");
        }
        if (version < 7 && r.protocolName() == null) {
            r.setProtocolName("");
        }
        if (version < 7) {
            r.setProtocolType(null);
        }
        if (version < 9) {
            r.setSkipAssignment(false);
        }
        if (version < 5) {
            r.members().forEach(m -> m.setGroupInstanceId(null));
        }
        return r;
    }
}
