package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.metadata.Controller.CreateTopicResult;
import dev.kelpie.broker.metadata.Controller.NewTopic;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;

/**
 * CreateTopics (key 19, v2–7). Validation and commit happen in the {@link Controller} (name rules,
 * partitions and replication factor with -1 meaning the broker default, replication factor ≤ registered
 * brokers, configs valid, {@code validateOnly}); this handler translates. A name listed twice gets
 * INVALID_REQUEST. From v5 a success carries the partition count, the factor and every topic config with
 * its source; v7 adds the topic id.
 *
 * <p>Thread-safety: stateless; the work runs on the controller thread.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {
    private final Controller controller;
    private final ConfigDescriber describer;

    public CreateTopicsHandler(Controller controller, ConfigDescriber describer) {
        this.controller = controller;
        this.describer = describer;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public Class<CreateTopicsRequest> requestType() {
        return CreateTopicsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, CreateTopicsRequest request) {
        Set<String> seen = new LinkedHashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic t : request.data().topics()) {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        }
        List<NewTopic> toCreate = new ArrayList<>();
        for (CreatableTopic t : request.data().topics()) {
            if (!duplicates.contains(t.name())) {
                toCreate.add(toNewTopic(t));
            }
        }
        return controller.createTopics(toCreate, request.data().validateOnly()).thenApply(results -> {
            Map<String, CreateTopicResult> byName = new HashMap<>();
            results.forEach(r -> byName.put(r.name(), r));
            CreateTopicsResponseData data = new CreateTopicsResponseData();
            for (String name : seen) {
                CreateTopicResult result = duplicates.contains(name) ? null : byName.get(name);
                data.topics().add(result == null ? duplicate(name) : toResult(result, request.version()));
            }
            return new CreateTopicsResponse(data);
        });
    }

    private static NewTopic toNewTopic(CreatableTopic t) {
        Map<Integer, List<Integer>> assignments = new HashMap<>();
        for (CreatableReplicaAssignment a : t.assignments()) {
            assignments.put(a.partitionIndex(), List.copyOf(a.brokerIds()));
        }
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreatableTopicConfig c : t.configs()) {
            configs.put(c.name(), c.value());
        }
        return new NewTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments, configs);
    }

    private static CreatableTopicResult duplicate(String name) {
        return new CreatableTopicResult().setName(name).setErrorCode(Errors.INVALID_REQUEST.code())
                .setErrorMessage("Create topics request contains multiple entries for the topic " + name);
    }

    private CreatableTopicResult toResult(CreateTopicResult r, short version) {
        CreatableTopicResult out = new CreatableTopicResult().setName(r.name());
        ApiError error = r.error();
        if (error.isFailure()) {
            return out.setErrorCode(error.error().code()).setErrorMessage(error.messageWithFallback());
        }
        out.setTopicId(r.topicId()).setNumPartitions(r.numPartitions()).setReplicationFactor(r.replicationFactor());
        if (version >= 5) {
            List<CreatableTopicConfigs> configs = new ArrayList<>();
            for (ConfigDescriber.Entry e : describer.topicConfigs(r.configs())) {
                configs.add(new CreatableTopicConfigs().setName(e.name()).setValue(e.value())
                        .setReadOnly(e.readOnly()).setConfigSource(e.source().id()).setIsSensitive(false));
            }
            out.setConfigs(configs);
        }
        return out;
    }
}
