package dev.kelpie.broker.metadata;

import dev.kelpie.broker.metadata.Controller.CreateTopicResult;
import dev.kelpie.broker.metadata.Controller.DeleteTopicResult;
import dev.kelpie.broker.metadata.Controller.NewTopic;
import dev.kelpie.broker.metadata.Controller.PartitionsIncrease;
import dev.kelpie.broker.metadata.Controller.TopicRef;
import dev.kelpie.broker.metadata.MetadataRecord.PartitionRecord;
import dev.kelpie.broker.metadata.MetadataRecord.RemoveTopicRecord;
import dev.kelpie.broker.metadata.MetadataRecord.TopicRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Topic operations of the controller: validation and the records they commit. Pure functions of the image
 * and the request, so every replica of a future replicated controller decides the same.
 *
 * <p>Rules follow Kafka's controller: legal names (Kafka's {@link Topic#validate}: {@code [a-zA-Z0-9._-]},
 * 1–249 characters, not {@code .} or {@code ..}), no collision between {@code .} and {@code _}, partitions
 * and replication factor positive or -1 (the broker default), a factor no larger than the registered
 * brokers, manual assignments complete and consistent, configs valid on top of the broker defaults, and at
 * most {@link ControllerSettings#recordsPerOperationMax()} records per request.
 *
 * <p>Thread-safety: stateless.
 */
final class TopicControl {
    private TopicControl() {
    }

    static ControllerResult<List<CreateTopicResult>> createTopics(MetadataImage image, ControllerSettings settings,
            List<NewTopic> topics, boolean validateOnly) {
        List<MetadataRecord> records = new ArrayList<>();
        List<CreateTopicResult> results = new ArrayList<>();
        Map<String, String> unifiedNames = unifiedNames(image);
        int planned = 0;
        for (NewTopic topic : topics) {
            try {
                validateName(image, unifiedNames, topic.name());
                Map<Integer, List<Integer>> assignment = assignment(image, settings, topic);
                // Counted for validateOnly too, so a dry run answers as the real request would; checked before
                // the configs, whose validation is the costly step for a request naming 100k topics.
                int recordCount = 1 + topic.configs().size() + assignment.size();
                if (planned + recordCount > settings.recordsPerOperationMax()) {
                    throw new PolicyViolationException("Unable to create topic " + topic.name() + ": a request may"
                            + " commit at most " + settings.recordsPerOperationMax() + " records (a topic, its"
                            + " configs and its partitions are one each)");
                }
                Map<String, String> configs = validateConfigs(settings, topic.configs());
                planned += recordCount;
                unifiedNames.put(Topic.unifyCollisionChars(topic.name()), topic.name());
                Uuid id = validateOnly ? Uuid.ZERO_UUID : newTopicId(image);
                short factor = (short) assignment.get(0).size();
                results.add(new CreateTopicResult(topic.name(), id, ApiError.NONE, assignment.size(), factor, configs));
                if (!validateOnly) {
                    records.addAll(topicRecords(topic.name(), id, assignment, configs));
                }
            } catch (ApiException e) {
                results.add(CreateTopicResult.failed(topic.name(), ApiError.fromThrowable(e)));
            }
        }
        return new ControllerResult<>(records, results);
    }

    /**
     * Every existing topic by its name with '.' and '_' unified, so each new name is checked for a collision in
     * constant time (a request may name 100k topics).
     */
    private static Map<String, String> unifiedNames(MetadataImage image) {
        Map<String, String> unified = new HashMap<>();
        for (String existing : image.topics().keySet()) {
            unified.put(Topic.unifyCollisionChars(existing), existing);
        }
        return unified;
    }

    /** @param unifiedNames existing and already accepted names, by unified name */
    private static void validateName(MetadataImage image, Map<String, String> unifiedNames, String name) {
        Topic.validate(name);
        String other = unifiedNames.get(Topic.unifyCollisionChars(name));
        if (image.topic(name).isPresent() || name.equals(other)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (other != null) {
            throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + other);
        }
    }

    private static Map<Integer, List<Integer>> assignment(MetadataImage image, ControllerSettings settings,
            NewTopic topic) {
        if (!topic.assignments().isEmpty()) {
            if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
            }
            Map<Integer, List<Integer>> sorted = new TreeMap<>(topic.assignments());
            int expected = 0;
            for (Integer partition : sorted.keySet()) {
                if (partition != expected++) {
                    throw new InvalidReplicaAssignmentException("Partitions should be a consecutive 0-based integer "
                            + "sequence, but were " + sorted.keySet());
                }
            }
            int factor = sorted.get(0).size();
            sorted.values().forEach(replicas -> validateReplicas(image, replicas, factor));
            return sorted;
        }
        int partitions = topic.numPartitions() == -1 ? settings.numPartitions() : topic.numPartitions();
        if (partitions <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        if (partitions > settings.recordsPerOperationMax()) {
            throw new PolicyViolationException("Unable to create a topic with " + partitions + " partitions: at most "
                    + settings.recordsPerOperationMax() + " per request");
        }
        int factor = topic.replicationFactor() == -1 ? settings.defaultReplicationFactor() : topic.replicationFactor();
        if (factor <= 0) {
            throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        return placeReplicas(image, 0, partitions, factor);
    }

    /** Round-robin placement over the registered brokers in id order. */
    static Map<Integer, List<Integer>> placeReplicas(MetadataImage image, int firstPartition, int count,
            int factor) {
        List<Integer> brokers = new ArrayList<>(image.brokers().keySet());
        if (factor > brokers.size()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + factor
                    + " time(s): The target replication factor of " + factor + " cannot be reached because only "
                    + brokers.size() + " broker(s) are registered.");
        }
        Map<Integer, List<Integer>> assignment = new TreeMap<>();
        for (int p = firstPartition; p < firstPartition + count; p++) {
            List<Integer> replicas = new ArrayList<>(factor);
            for (int r = 0; r < factor; r++) {
                replicas.add(brokers.get((p + r) % brokers.size()));
            }
            assignment.put(p, replicas);
        }
        return assignment;
    }

    private static void validateReplicas(MetadataImage image, List<Integer> replicas, int factor) {
        if (replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException("A partition must have at least one replica.");
        }
        if (replicas.size() != factor) {
            throw new InvalidReplicaAssignmentException("All partitions must have the same number of replicas: "
                    + factor + " and " + replicas.size());
        }
        if (new HashSet<>(replicas).size() != replicas.size()) {
            throw new InvalidReplicaAssignmentException("Duplicate brokers in replica assignment " + replicas);
        }
        for (int broker : replicas) {
            if (!image.brokers().containsKey(broker)) {
                throw new InvalidReplicaAssignmentException("Replica assignment " + replicas
                        + " names broker " + broker + ", which is not registered.");
            }
        }
    }

    private static Map<String, String> validateConfigs(ControllerSettings settings, Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            if (e.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: " + e.getKey());
            }
        }
        settings.logDefaults().withOverrides(configs);
        return configs;
    }

    private static Uuid newTopicId(MetadataImage image) {
        Uuid id = Uuid.randomUuid();
        while (image.topic(id).isPresent()) {
            id = Uuid.randomUuid();
        }
        return id;
    }

    private static List<MetadataRecord> topicRecords(String name, Uuid id, Map<Integer, List<Integer>> assignment,
            Map<String, String> configs) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, id));
        configs.forEach((k, v) -> records.add(
                new MetadataRecord.ConfigRecord(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name, k, v)));
        assignment.forEach((p, replicas) -> records.add(partitionRecord(id, p, replicas)));
        return records;
    }

    private static PartitionRecord partitionRecord(Uuid id, int partition, List<Integer> replicas) {
        return new PartitionRecord(id, partition, replicas, replicas, replicas.get(0), 0);
    }

    static ControllerResult<List<DeleteTopicResult>> deleteTopics(MetadataImage image, List<TopicRef> refs) {
        List<MetadataRecord> records = new ArrayList<>();
        List<DeleteTopicResult> results = new ArrayList<>();
        Set<Uuid> deleted = new HashSet<>();
        for (TopicRef ref : refs) {
            TopicImage topic = ref.id() != null ? image.topic(ref.id()).orElse(null)
                    : image.topic(ref.name()).orElse(null);
            if (topic == null) {
                Errors error = ref.id() != null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                results.add(new DeleteTopicResult(ref.name(), ref.id(), new ApiError(error)));
            } else if (!deleted.add(topic.id())) {
                results.add(new DeleteTopicResult(topic.name(), topic.id(),
                        new ApiError(Errors.INVALID_REQUEST, "Duplicate topic in request: " + topic.name())));
            } else {
                records.add(new RemoveTopicRecord(topic.id()));
                results.add(new DeleteTopicResult(topic.name(), topic.id(), ApiError.NONE));
            }
        }
        return new ControllerResult<>(records, results);
    }

    static ControllerResult<List<ApiError>> createPartitions(MetadataImage image, ControllerSettings settings,
            List<PartitionsIncrease> increases, boolean validateOnly) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ApiError> results = new ArrayList<>();
        for (PartitionsIncrease increase : increases) {
            try {
                List<MetadataRecord> added = addPartitions(image, increase, settings.recordsPerOperationMax());
                if (records.size() + added.size() > settings.recordsPerOperationMax()) {
                    throw new PolicyViolationException("A request may add at most "
                            + settings.recordsPerOperationMax() + " partitions in total");
                }
                if (!validateOnly) {
                    records.addAll(added);
                }
                results.add(ApiError.NONE);
            } catch (ApiException e) {
                results.add(ApiError.fromThrowable(e));
            }
        }
        return new ControllerResult<>(records, results);
    }

    private static List<MetadataRecord> addPartitions(MetadataImage image, PartitionsIncrease increase,
            int recordsPerOperationMax) {
        TopicImage topic = image.topic(increase.topic()).orElseThrow(() -> new UnknownTopicOrPartitionException(
                "The topic '" + increase.topic() + "' does not exist."));
        int current = topic.partitionCount();
        if (increase.totalCount() < current) {
            throw new InvalidPartitionsException("Topic currently has " + current + " partitions, which is higher "
                    + "than the requested " + increase.totalCount() + ".");
        }
        if (increase.totalCount() == current) {
            throw new InvalidPartitionsException("Topic already has " + current + " partitions.");
        }
        int adding = increase.totalCount() - current;
        if (adding > recordsPerOperationMax) {
            throw new PolicyViolationException("A request may add at most " + recordsPerOperationMax
                    + " partitions in total, not " + adding);
        }
        int factor = topic.partition(0).replicas().size();
        Map<Integer, List<Integer>> assignment;
        if (increase.assignments() != null) {
            if (increase.assignments().size() != adding) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + adding + " additional partition(s),"
                        + " but only " + increase.assignments().size() + " assignment(s) were specified.");
            }
            assignment = new TreeMap<>();
            for (int i = 0; i < adding; i++) {
                List<Integer> replicas = increase.assignments().get(i);
                validateReplicas(image, replicas, factor);
                assignment.put(current + i, replicas);
            }
        } else {
            assignment = placeReplicas(image, current, adding, factor);
        }
        List<MetadataRecord> records = new ArrayList<>();
        assignment.forEach((p, replicas) -> records.add(partitionRecord(topic.id(), p, replicas)));
        return records;
    }
}
