package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/**
 * ListGroups (key 16, v0–5): every group this broker coordinates, filtered by state (v4+) and type (v5+,
 * {@code classic}/{@code consumer}), case-insensitively. While a shard is still loading the answer carries
 * COORDINATOR_LOAD_IN_PROGRESS with what is known.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public Class<ListGroupsRequest> requestType() {
        return ListGroupsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, ListGroupsRequest request) {
        short version = request.version();
        Set<String> states = lower(version >= 4 ? request.data().statesFilter() : List.of());
        Set<String> types = lower(version >= 5 ? request.data().typesFilter() : List.of());
        Errors error = coordinator.anyShardLoading() ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE;
        return coordinator.listGroups(states, types).thenApply(groups -> {
            List<ListedGroup> out = new ArrayList<>();
            for (ListedGroup g : groups) {
                if (version < 4) {
                    g.setGroupState("");
                }
                if (version < 5) {
                    g.setGroupType("");
                }
                out.add(g);
            }
            return new ListGroupsResponse(new ListGroupsResponseData().setErrorCode(error.code()).setGroups(out));
        });
    }

    private static Set<String> lower(List<String> values) {
        Set<String> out = new HashSet<>();
        if (values != null) {
            values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
        }
        return out;
    }
}
