package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeGroups (key 15, v0–6): classic groups with state, protocol and members ({@link GroupAdmin#describe}).
 * Each group is asked of its own shard; coordinator errors are that group's error. Authorized operations
 * (v3+) are every group operation when asked for: there is no authorizer yet.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {
    static final int GROUP_OPERATIONS = Utils.to32BitField(Set.of(AclOperation.READ.code(),
            AclOperation.DESCRIBE.code(), AclOperation.DELETE.code()));

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public Class<DescribeGroupsRequest> requestType() {
        return DescribeGroupsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, DescribeGroupsRequest request) {
        short version = request.version();
        boolean withOperations = version >= 3 && request.data().includeAuthorizedOperations();
        List<CompletableFuture<DescribedGroup>> groups = new ArrayList<>();
        for (String groupId : request.data().groups()) {
            groups.add(coordinator.describeGroup(groupId, version).exceptionally(e -> new DescribedGroup()
                    .setGroupId(groupId).setErrorCode(Errors.forException(CoordinatorErrors.map(e)).code())
                    .setGroupState("").setProtocolType("").setProtocolData("")));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeGroupsResponseData data = new DescribeGroupsResponseData();
            for (CompletableFuture<DescribedGroup> g : groups) {
                DescribedGroup group = g.join().setAuthorizedOperations(withOperations ? GROUP_OPERATIONS
                        : Integer.MIN_VALUE);
                if (version < 6) {
                    group.setErrorMessage(null);
                }
                if (version < 4) {
                    group.members().forEach(m -> m.setGroupInstanceId(null));
                }
                data.groups().add(group);
            }
            return new DescribeGroupsResponse(data);
        });
    }
}
