package dev.kelpie.broker.group;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;

/**
 * ConsumerGroupDescribe (key 69, v0–1): KIP-848 groups with epochs, assignor and members with their current
 * and target assignments ({@link GroupAdmin#describeConsumer}); GROUP_ID_NOT_FOUND for classic or unknown
 * groups, which the Admin client takes as the signal to use DescribeGroups.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public Class<ConsumerGroupDescribeRequest> requestType() {
        return ConsumerGroupDescribeRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, ConsumerGroupDescribeRequest request) {
        boolean withOperations = request.data().includeAuthorizedOperations();
        short version = request.version();
        List<CompletableFuture<DescribedGroup>> groups = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            groups.add(coordinator.describeConsumerGroup(groupId).exceptionally(e -> {
                ApiException error = CoordinatorErrors.map(e);
                return new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.forException(error).code())
                        .setErrorMessage(error.getMessage());
            }));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ConsumerGroupDescribeResponseData data = new ConsumerGroupDescribeResponseData();
            for (CompletableFuture<DescribedGroup> g : groups) {
                DescribedGroup group = g.join().setAuthorizedOperations(withOperations
                        ? DescribeGroupsHandler.GROUP_OPERATIONS : Integer.MIN_VALUE);
                if (version < 1) {
                    group.members().forEach(m -> m.setMemberType((byte) -1));
                }
                data.groups().add(group);
            }
            return new ConsumerGroupDescribeResponse(data);
        });
    }
}
