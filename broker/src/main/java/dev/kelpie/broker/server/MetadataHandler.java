package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.BrokerRegistration;
import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.metadata.Controller.NewTopic;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.PartitionImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata (key 3, v0–13): brokers, cluster id, controller, and topics with partitions, leaders, epochs,
 * replicas and ISR, from the current image.
 *
 * <p>Topics are asked for by name, or by id from v10 (v12+ answer a null name; an unknown id gets
 * UNKNOWN_TOPIC_ID; neither a name nor an id is INVALID_REQUEST for that entry). With
 * {@code auto.create.topics.enable} and the request allowing it (v4+; always before), missing topics with legal names are created through the controller with the broker defaults, and the
 * answer waits for them, so the client's first produce needs no retry. Internal topics are never
 * auto-created here. v13's top-level error is NONE.
 *
 * <p>Thread-safety: stateless apart from its collaborators; runs on the event loop (image reads only).
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private final MetadataCache cache;
    private final Controller controller;
    private final int nodeId;
    private final boolean autoCreateTopics;

    public MetadataHandler(MetadataCache cache, Controller controller, int nodeId, boolean autoCreateTopics) {
        this.cache = cache;
        this.controller = controller;
        this.nodeId = nodeId;
        this.autoCreateTopics = autoCreateTopics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public Class<MetadataRequest> requestType() {
        return MetadataRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, MetadataRequest request) {
        short version = request.version();
        MetadataImage image = cache.image();
        if (request.isAllTopics()) {
            return CompletableFuture.completedFuture(respond(request, image, List.of(), Map.of()));
        }
        List<MetadataRequestTopic> topics = request.data().topics();
        for (MetadataRequestTopic t : topics) {
            if (byId(t) && version < 12) {
                throw new InvalidRequestException("Metadata by topic id needs version 12 or later");
            }
        }
        boolean allowCreate = autoCreateTopics && (version < 4 || request.data().allowAutoTopicCreation());
        List<NewTopic> toCreate = new ArrayList<>();
        if (allowCreate) {
            for (MetadataRequestTopic t : topics) {
                if (!byId(t) && t.name() != null && image.topic(t.name()).isEmpty() && Topic.isValid(t.name())
                        && !Topic.isInternal(t.name())) {
                    toCreate.add(new NewTopic(t.name(), -1, (short) -1, Map.of(), Map.of()));
                }
            }
        }
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(respond(request, image, topics, Map.of()));
        }
        return controller.createTopics(toCreate, false).thenApply(results -> {
            Map<String, Errors> creationErrors = new HashMap<>();
            results.forEach(r -> {
                if (r.error().isFailure() && r.error().error() != Errors.TOPIC_ALREADY_EXISTS) {
                    creationErrors.put(r.name(), r.error().error());
                }
            });
            return respond(request, cache.image(), topics, creationErrors);
        });
    }

    /** A topic asked for by id: a non-zero id (the name is then null, or empty as its default). */
    private static boolean byId(MetadataRequestTopic t) {
        return t.topicId() != null && !Uuid.ZERO_UUID.equals(t.topicId());
    }

    private AbstractResponse respond(MetadataRequest request, MetadataImage image, List<MetadataRequestTopic> asked,
            Map<String, Errors> creationErrors) {
        short version = request.version();
        MetadataResponseData data = new MetadataResponseData()
                .setClusterId(image.clusterId())
                .setControllerId(nodeId);
        for (BrokerRegistration b : image.brokers().values()) {
            data.brokers().add(new MetadataResponseBroker().setNodeId(b.id()).setHost(b.host()).setPort(b.port())
                    .setRack(b.rack()));
        }
        boolean includeOps = version >= 8 && request.data().includeTopicAuthorizedOperations();
        if (request.isAllTopics()) {
            image.topics().values().forEach(t -> data.topics().add(describe(image, t, includeOps)));
        } else {
            for (MetadataRequestTopic t : asked) {
                data.topics().add(describeAsked(image, t, creationErrors, includeOps, version));
            }
        }
        if (version >= 8 && version <= 10) {
            data.setClusterAuthorizedOperations(
                    AuthorizedOperations.cluster(request.data().includeClusterAuthorizedOperations()));
        }
        return new MetadataResponse(data, version);
    }

    private MetadataResponseTopic describeAsked(MetadataImage image, MetadataRequestTopic asked,
            Map<String, Errors> creationErrors, boolean includeOps, short version) {
        if (byId(asked)) {
            Uuid id = asked.topicId();
            return image.topic(id).map(t -> describe(image, t, includeOps))
                    .orElseGet(() -> new MetadataResponseTopic().setName(null).setTopicId(id)
                            .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        }
        if (asked.name() == null) {
            // v10+: neither a name nor an id, as Kafka's DeleteTopics answers it.
            return new MetadataResponseTopic().setName(version >= 12 ? null : "").setTopicId(Uuid.ZERO_UUID)
                    .setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return image.topic(asked.name()).map(t -> describe(image, t, includeOps)).orElseGet(() -> {
            Errors error = creationErrors.getOrDefault(asked.name(),
                    Topic.isValid(asked.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION);
            return new MetadataResponseTopic().setName(asked.name()).setErrorCode(error.code());
        });
    }

    static MetadataResponseTopic describe(MetadataImage image, TopicImage topic, boolean includeOps) {
        MetadataResponseTopic t = new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(topic.isInternal())
                .setErrorCode(Errors.NONE.code())
                .setTopicAuthorizedOperations(AuthorizedOperations.topic(includeOps));
        for (PartitionImage p : topic.partitions().values()) {
            List<Integer> offline = p.offlineReplicas(image.brokers().keySet());
            boolean leaderLive = image.brokers().containsKey(p.leader());
            t.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(p.partition())
                    .setErrorCode(leaderLive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setLeaderId(leaderLive ? p.leader() : -1)
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr()))
                    .setOfflineReplicas(new ArrayList<>(offline)));
        }
        return t;
    }
}
