package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.metadata.Controller.ConfigOp;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs (key 44, v0–1): SET, DELETE, APPEND, SUBTRACT on topic configs, validated and
 * committed by the controller ({@code validateOnly} commits nothing); live logs pick the change up when the
 * new image is published. The same resource twice, or the same key twice in one resource, is
 * INVALID_REQUEST; an unknown operation INVALID_REQUEST. Broker configs are static in Kelpie:
 * INVALID_REQUEST naming that.
 *
 * <p>Thread-safety: stateless.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {
    private final Controller controller;

    public IncrementalAlterConfigsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public Class<IncrementalAlterConfigsRequest> requestType() {
        return IncrementalAlterConfigsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, IncrementalAlterConfigsRequest request) {
        Map<ConfigResource, ApiError> errors = new LinkedHashMap<>();
        Map<String, List<ConfigOp>> topicOps = new LinkedHashMap<>();
        Set<ConfigResource> seen = new HashSet<>();
        Set<ConfigResource> duplicates = new HashSet<>();
        for (AlterConfigsResource r : request.data().resources()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.forId(r.resourceType()), r.resourceName());
            if (!seen.add(resource)) {
                duplicates.add(resource);
            }
        }
        for (AlterConfigsResource r : request.data().resources()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.forId(r.resourceType()), r.resourceName());
            if (duplicates.contains(resource)) {
                errors.put(resource, new ApiError(Errors.INVALID_REQUEST, "Duplicate resource " + resource));
            } else if (resource.type() != ConfigResource.Type.TOPIC) {
                errors.put(resource, AlterConfigsHandler.unsupported(resource));
            } else {
                ApiError invalid = toOps(r, topicOps);
                if (invalid != null) {
                    errors.put(resource, invalid);
                }
            }
        }
        return controller.incrementalAlterTopicConfigs(topicOps, request.data().validateOnly()).thenApply(results -> {
            IncrementalAlterConfigsResponseData data = new IncrementalAlterConfigsResponseData();
            results.forEach((topic, error) -> data.responses().add(response(ConfigResource.Type.TOPIC, topic, error)));
            errors.forEach((resource, error) -> data.responses().add(response(resource.type(), resource.name(), error)));
            return new IncrementalAlterConfigsResponse(data);
        });
    }

    private static ApiError toOps(AlterConfigsResource r, Map<String, List<ConfigOp>> topicOps) {
        List<ConfigOp> ops = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (AlterableConfig c : r.configs()) {
            if (!keys.add(c.name())) {
                return new ApiError(Errors.INVALID_REQUEST, "Error due to duplicate config keys: " + c.name());
            }
            AlterConfigOp.OpType type;
            try {
                type = AlterConfigOp.OpType.forId(c.configOperation());
            } catch (IllegalArgumentException e) {
                type = null;
            }
            if (type == null) {
                return new ApiError(Errors.INVALID_REQUEST, "Unknown config operation " + c.configOperation());
            }
            ops.add(new ConfigOp(c.name(), c.value(), type));
        }
        topicOps.put(r.resourceName(), ops);
        return null;
    }

    private static AlterConfigsResourceResponse response(ConfigResource.Type type, String name, ApiError error) {
        return new AlterConfigsResourceResponse().setResourceType(type.id()).setResourceName(name)
                .setErrorCode(error.error().code()).setErrorMessage(error.isFailure() ? error.messageWithFallback() : null);
    }
}
