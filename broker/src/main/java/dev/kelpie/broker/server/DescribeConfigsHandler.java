package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs (key 32, v1–4) for TOPIC and BROKER resources, values and sources from
 * {@link ConfigDescriber}, synonyms when asked (v1+), config types from v3. Documentation is not provided
 * (null). A broker is named by this node's id; the empty name (cluster-wide dynamic defaults) has none.
 * Other resource types get INVALID_REQUEST.
 *
 * <p>Thread-safety: stateless; runs on the event loop (image reads only).
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {
    private final MetadataCache cache;
    private final ConfigDescriber describer;
    private final int nodeId;

    public DescribeConfigsHandler(MetadataCache cache, ConfigDescriber describer, int nodeId) {
        this.cache = cache;
        this.describer = describer;
        this.nodeId = nodeId;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public Class<DescribeConfigsRequest> requestType() {
        return DescribeConfigsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, DescribeConfigsRequest request) {
        MetadataImage image = cache.image();
        DescribeConfigsResponseData data = new DescribeConfigsResponseData();
        boolean synonyms = request.data().includeSynonyms();
        for (DescribeConfigsResource resource : request.data().resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                List<ConfigDescriber.Entry> entries = entries(image, resource);
                Set<String> keys = resource.configurationKeys() == null ? null
                        : new HashSet<>(resource.configurationKeys());
                List<DescribeConfigsResourceResult> configs = new ArrayList<>();
                for (ConfigDescriber.Entry e : entries) {
                    if (keys == null || keys.contains(e.name())) {
                        configs.add(toResult(e, synonyms));
                    }
                }
                result.setErrorCode(Errors.NONE.code()).setConfigs(configs);
            } catch (ApiException e) {
                ApiError error = ApiError.fromThrowable(e);
                result.setErrorCode(error.error().code()).setErrorMessage(error.messageWithFallback());
            }
            data.results().add(result);
        }
        return CompletableFuture.completedFuture(new DescribeConfigsResponse(data));
    }

    private List<ConfigDescriber.Entry> entries(MetadataImage image, DescribeConfigsResource resource) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        String name = resource.resourceName();
        switch (type) {
            case TOPIC:
                if (image.topic(name).isEmpty()) {
                    throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
                }
                return describer.topicConfigs(image.topicConfigs(name));
            case BROKER:
                if (name.isEmpty()) {
                    return List.of();
                }
                if (!name.equals(Integer.toString(nodeId))) {
                    throw new InvalidRequestException("Unexpected broker id, expected " + nodeId
                            + " or empty string, but received " + name);
                }
                return describer.brokerConfigs();
            default:
                throw new InvalidRequestException("Unsupported resource type " + type + " for DescribeConfigs");
        }
    }

    private static DescribeConfigsResourceResult toResult(ConfigDescriber.Entry e, boolean includeSynonyms) {
        DescribeConfigsResourceResult r = new DescribeConfigsResourceResult().setName(e.name()).setValue(e.value())
                .setReadOnly(e.readOnly()).setConfigSource(e.source().id()).setIsSensitive(false)
                .setConfigType(e.type().id()).setDocumentation(null);
        if (includeSynonyms) {
            List<DescribeConfigsSynonym> list = new ArrayList<>();
            for (ConfigDescriber.Synonym s : e.synonyms()) {
                list.add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id()));
            }
            r.setSynonyms(list);
        }
        return r;
    }
}
