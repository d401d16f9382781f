package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.PartitionImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;

/**
 * DescribeTopicPartitions (key 75, v0), used by {@code Admin.describeTopics}: topics in name order (the
 * requested ones, or all when none are named), their partitions paged by
 * {@code min(responsePartitionLimit, 2000)} with a cursor {@code (topic, partition)} to continue from. A
 * cursor topic not among the requested ones is INVALID_REQUEST; an unknown topic gets
 * UNKNOWN_TOPIC_OR_PARTITION.
 *
 * <p>Thread-safety: stateless; runs on the event loop.
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler<DescribeTopicPartitionsRequest> {
    static final int PARTITION_LIMIT_MAX = 2000;

    private final MetadataCache cache;

    public DescribeTopicPartitionsHandler(MetadataCache cache) {
        this.cache = cache;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public Class<DescribeTopicPartitionsRequest> requestType() {
        return DescribeTopicPartitionsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, DescribeTopicPartitionsRequest request) {
        DescribeTopicPartitionsRequestData req = request.data();
        MetadataImage image = cache.image();
        boolean all = req.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (all) {
            names.addAll(image.topics().keySet());
        } else {
            req.topics().stream().map(TopicRequest::name).forEach(names::add);
        }
        String cursorTopic = req.cursor() == null ? null : req.cursor().topicName();
        int cursorPartition = req.cursor() == null ? 0 : Math.max(0, req.cursor().partitionIndex());
        if (cursorTopic != null && !all && !names.contains(cursorTopic)) {
            throw new InvalidRequestException("The cursor topic " + cursorTopic + " is not in the requested topics");
        }
        int remaining = Math.min(Math.max(req.responsePartitionLimit(), 1), PARTITION_LIMIT_MAX);
        DescribeTopicPartitionsResponseData data = new DescribeTopicPartitionsResponseData();
        for (String name : cursorTopic == null ? names : names.tailSet(cursorTopic, true)) {
            TopicImage topic = image.topic(name).orElse(null);
            if (topic == null) {
                data.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                continue;
            }
            if (remaining == 0) {
                data.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            int first = name.equals(cursorTopic) ? cursorPartition : 0;
            List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>();
            int index = first;
            for (PartitionImage p : topic.partitions().tailMap(first, true).values()) {
                if (remaining == 0) {
                    break;
                }
                partitions.add(partition(image, p));
                remaining--;
                index = p.partition() + 1;
            }
            data.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(topic.id())
                    .setIsInternal(topic.isInternal()).setErrorCode(Errors.NONE.code()).setPartitions(partitions)
                    .setTopicAuthorizedOperations(AuthorizedOperations.TOPIC));
            if (index < topic.partitionCount()) {
                data.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(index));
                break;
            }
        }
        return CompletableFuture.completedFuture(new DescribeTopicPartitionsResponse(data));
    }

    private static DescribeTopicPartitionsResponsePartition partition(MetadataImage image, PartitionImage p) {
        boolean leaderLive = image.brokers().containsKey(p.leader());
        return new DescribeTopicPartitionsResponsePartition().setPartitionIndex(p.partition())
                .setErrorCode(leaderLive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setLeaderId(leaderLive ? p.leader() : -1).setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas())).setIsrNodes(new ArrayList<>(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>()).setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(new ArrayList<>(p.offlineReplicas(image.brokers().keySet())));
    }
}
