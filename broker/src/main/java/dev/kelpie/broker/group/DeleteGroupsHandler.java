package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/**
 * DeleteGroups (key 42, v0–3): deletes empty groups with their offsets (NON_EMPTY_GROUP for groups with
 * members, GROUP_ID_NOT_FOUND for unknown ones), each on its own shard, answered once the tombstones are
 * durable.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public Class<DeleteGroupsRequest> requestType() {
        return DeleteGroupsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, DeleteGroupsRequest request) {
        List<String> ids = request.data().groupsNames();
        List<CompletableFuture<Errors>> results = new ArrayList<>();
        for (String groupId : ids) {
            results.add(coordinator.deleteGroup(groupId)
                    .exceptionally(e -> Errors.forException(CoordinatorErrors.map(e))));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeletableGroupResultCollection out = new DeletableGroupResultCollection();
            for (int i = 0; i < ids.size(); i++) {
                if (out.find(ids.get(i)) == null) {
                    out.add(new DeletableGroupResult().setGroupId(ids.get(i)).setErrorCode(results.get(i).join().code()));
                }
            }
            return new DeleteGroupsResponse(new DeleteGroupsResponseData().setResults(out));
        });
    }
}
