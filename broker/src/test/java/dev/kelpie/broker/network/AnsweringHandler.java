package dev.kelpie.broker.network;

import dev.kelpie.broker.protocol.ApiVersionsResponder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * A tiny single-node "broker" for socket tests: ApiVersions, Metadata (every asked topic exists with one
 * partition led by node 1; "all topics" lists {@link #allTopicsCount} topics), Produce (counts records; acks=0
 * gets no response), DescribeCluster, Fetch (answered by {@link #fetch}). Requests whose key is in {@link #hold}
 * are held until the test completes them.
 */
final class AnsweringHandler implements RequestHandler {
    static final String CLUSTER_ID = "kelpie-network-test";

    private final ApiVersionsResponder apiVersions;
    volatile int advertisedPort;
    volatile int allTopicsCount;
    volatile Function<FetchRequest, AbstractResponse> fetch = request -> {
        throw new UnsupportedVersionException("no fetch in this test");
    };
    final AtomicInteger metadataRequests = new AtomicInteger();
    final AtomicLong producedRecords = new AtomicLong();
    /** Requests of these keys are held until the test completes them (by correlation id). */
    volatile Set<ApiKeys> hold = EnumSet.of(ApiKeys.DESCRIBE_CLUSTER);
    final Map<Integer, CompletableFuture<AbstractResponse>> held = new ConcurrentHashMap<>();
    private final AtomicLong nextOffset = new AtomicLong();

    AnsweringHandler(ApiVersionsResponder apiVersions) {
        this.apiVersions = apiVersions;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        if (hold.contains(request.apiKey())) {
            CompletableFuture<AbstractResponse> stage = new CompletableFuture<>();
            held.put(context.header().correlationId(), stage);
            return stage;
        }
        if (request instanceof ApiVersionsRequest apiVersionsRequest) {
            return CompletableFuture.completedFuture(apiVersions.respond(apiVersionsRequest));
        }
        if (request instanceof MetadataRequest metadata) {
            metadataRequests.incrementAndGet();
            return CompletableFuture.completedFuture(metadata(metadata));
        }
        if (request instanceof ProduceRequest produce) {
            return CompletableFuture.completedFuture(produce(produce));
        }
        if (request instanceof DescribeClusterRequest) {
            return CompletableFuture.completedFuture(describeCluster());
        }
        if (request instanceof FetchRequest fetchRequest) {
            return CompletableFuture.supplyAsync(() -> fetch.apply(fetchRequest));
        }
        return CompletableFuture.failedFuture(new UnsupportedVersionException(request.apiKey() + " not handled"));
    }

    DescribeClusterResponse describeCluster() {
        DescribeClusterResponseData data = new DescribeClusterResponseData().setClusterId(CLUSTER_ID).setControllerId(1);
        data.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(1).setHost("127.0.0.1")
                .setPort(advertisedPort));
        return new DescribeClusterResponse(data);
    }

    static Uuid topicId(String name) {
        java.util.UUID uuid = java.util.UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    private MetadataResponse metadata(MetadataRequest request) {
        MetadataResponseData data = new MetadataResponseData().setClusterId(CLUSTER_ID).setControllerId(1);
        data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("127.0.0.1")
                .setPort(advertisedPort));
        List<String> names = request.isAllTopics()
                ? IntStream.range(0, allTopicsCount).mapToObj(i -> "topic-" + i).toList()
                : request.topics();
        for (String name : names) {
            data.topics().add(new MetadataResponseData.MetadataResponseTopic().setName(name).setTopicId(topicId(name))
                    .setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                            .setLeaderId(1).setLeaderEpoch(0).setReplicaNodes(List.of(1)).setIsrNodes(List.of(1)))));
        }
        return new MetadataResponse(data, request.version());
    }

    private ProduceResponse produce(ProduceRequest request) {
        ProduceResponseData data = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topic : request.data().topicData()) {
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                    .setName(topic.name()).setTopicId(topic.topicId());
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                long count = 0;
                for (var batch : ((MemoryRecords) partition.records()).batches()) {
                    count += batch.countOrNull();
                }
                producedRecords.addAndGet(count);
                topicResponse.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(partition.index()).setErrorCode(Errors.NONE.code())
                        .setBaseOffset(nextOffset.getAndAdd(count)));
            }
            data.responses().add(topicResponse);
        }
        return request.acks() == 0 ? null : new ProduceResponse(data);
    }
}
