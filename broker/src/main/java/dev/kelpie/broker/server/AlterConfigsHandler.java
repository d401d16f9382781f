package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.network.RequestContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterConfigs (key 33, v0–2), the legacy call: the configs given replace every override of the topic
 * (keys left out return to their defaults). Validation as for IncrementalAlterConfigs; broker resources
 * are static in Kelpie (INVALID_REQUEST).
 *
 * <p>Thread-safety: stateless.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {
    private final Controller controller;

    public AlterConfigsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public Class<AlterConfigsRequest> requestType() {
        return AlterConfigsRequest.class;
    }

    static ApiError unsupported(ConfigResource resource) {
        if (resource.type() == ConfigResource.Type.BROKER || resource.type() == ConfigResource.Type.BROKER_LOGGER) {
            return new ApiError(Errors.INVALID_REQUEST, "Kelpie has no dynamic broker configs: set "
                    + resource + " in server.properties and restart");
        }
        return new ApiError(Errors.INVALID_REQUEST, "Unsupported resource type " + resource.type());
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, AlterConfigsRequest request) {
        Map<ConfigResource, ApiError> errors = new LinkedHashMap<>();
        Map<String, Map<String, String>> topicConfigs = new LinkedHashMap<>();
        Set<ConfigResource> seen = new HashSet<>();
        for (AlterConfigsResource r : request.data().resources()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.forId(r.resourceType()), r.resourceName());
            if (!seen.add(resource)) {
                errors.put(resource, new ApiError(Errors.INVALID_REQUEST, "Duplicate resource " + resource));
                topicConfigs.remove(r.resourceName());
            } else if (resource.type() != ConfigResource.Type.TOPIC) {
                errors.put(resource, unsupported(resource));
            } else {
                Map<String, String> configs = new LinkedHashMap<>();
                for (AlterableConfig c : r.configs()) {
                    configs.put(c.name(), c.value());
                }
                topicConfigs.put(r.resourceName(), configs);
            }
        }
        return controller.replaceTopicConfigs(topicConfigs, request.data().validateOnly()).thenApply(results -> {
            AlterConfigsResponseData data = new AlterConfigsResponseData();
            results.forEach((topic, error) -> data.responses().add(response(ConfigResource.Type.TOPIC, topic, error)));
            errors.forEach((resource, error) -> data.responses().add(response(resource.type(), resource.name(), error)));
            return new AlterConfigsResponse(data);
        });
    }

    private static AlterConfigsResourceResponse response(ConfigResource.Type type, String name, ApiError error) {
        return new AlterConfigsResourceResponse().setResourceType(type.id()).setResourceName(name)
                .setErrorCode(error.error().code()).setErrorMessage(error.isFailure() ? error.messageWithFallback() : null);
    }
}
