package dev.kelpie.broker.metadata;

import dev.kelpie.broker.log.LogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of cluster metadata. Every write (create/delete topics, add partitions, change configs,
 * hand out producer-id blocks, register brokers) is a message to the controller's single thread, which
 * validates it against its own latest image, turns it into {@link MetadataRecord}s, commits them to the
 * {@link MetadataLog}, replays them into a new {@link MetadataImage} and hands old and new image to the
 * {@link MetadataPublisher}. The returned future completes once the publisher has applied the change
 * (partition logs exist, the new image is visible to handlers); an operation that changes nothing (a failed
 * validation, {@code validateOnly}, a topic that already exists) completes once every earlier change is
 * published, so its caller reads its own and everyone's earlier writes.
 *
 * <p>The validation and record generation live in {@link TopicControl}, {@link ConfigControl} and here;
 * they depend only on the image, so a replicated Raft controller can reuse them with a Raft-backed
 * {@link MetadataLog} and replay on every node, without touching the handlers.
 *
 * <p>Thread-safety: public methods are safe from any thread and never block; all state is confined to the
 * controller thread. After a failed commit the controller refuses further writes
 * ({@link KafkaStorageException}): the log's tail is then unknown until a restart recovers it.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    /** Producer ids per block, as Kafka's controller hands them to brokers. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private final ControllerSettings settings;
    private final MetadataLog log;
    private final MetadataPublisher publisher;
    private final ExecutorService thread;
    private MetadataImage image;
    private boolean failed;
    /** Completes when the latest committed image has been published; controller thread only. */
    private CompletableFuture<Void> lastPublished = CompletableFuture.completedFuture(null);

    /** A topic to create. {@code numPartitions}/{@code replicationFactor} -1 take the broker defaults. */
    public record NewTopic(String name, int numPartitions, short replicationFactor,
            Map<Integer, List<Integer>> assignments, Map<String, String> configs) {
        public NewTopic {
            Objects.requireNonNull(name, "name");
            assignments = Map.copyOf(assignments);
            configs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(configs));
        }
    }

    /** Outcome of one topic creation: on success the id, the partition count, the factor and overrides. */
    public record CreateTopicResult(String name, Uuid topicId, ApiError error, int numPartitions,
            short replicationFactor, Map<String, String> configs) {
        static CreateTopicResult failed(String name, ApiError error) {
            return new CreateTopicResult(name, Uuid.ZERO_UUID, error, -1, (short) -1, Map.of());
        }
    }

    /** A topic named by name or by id (exactly one of them non-null). */
    public record TopicRef(String name, Uuid id) {}

    /** Outcome of deleting one topic, with both its name and id when known. */
    public record DeleteTopicResult(String name, Uuid topicId, ApiError error) {}

    /** CreatePartitions for one topic: the new total, and optional replica lists for the added ones. */
    public record PartitionsIncrease(String topic, int totalCount, List<List<Integer>> assignments) {}

    /** One IncrementalAlterConfigs operation. */
    public record ConfigOp(String name, String value, AlterConfigOp.OpType type) {}

    /** Producer ids {@code [firstId, firstId + size)}, handed to one broker. */
    public record ProducerIdBlock(long firstId, int size) {
        public long nextBlockFirstId() {
            return firstId + size;
        }
    }

    public Controller(ControllerSettings settings, MetadataLog log, MetadataImage initial,
            MetadataPublisher publisher) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.log = Objects.requireNonNull(log, "log");
        this.image = Objects.requireNonNull(initial, "initial");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kelpie-controller");
            t.setDaemon(true);
            return t;
        });
    }

    public CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        return run(img -> TopicControl.createTopics(img, settings, topics, validateOnly));
    }

    public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
        return run(img -> TopicControl.deleteTopics(img, topics));
    }

    /** Results in request order, one {@link ApiError} per topic. */
    public CompletableFuture<List<ApiError>> createPartitions(List<PartitionsIncrease> increases,
            boolean validateOnly) {
        return run(img -> TopicControl.createPartitions(img, settings, increases, validateOnly));
    }

    /** IncrementalAlterConfigs on topics: topic → ops. Results by topic name. */
    public CompletableFuture<Map<String, ApiError>> incrementalAlterTopicConfigs(Map<String, List<ConfigOp>> ops,
            boolean validateOnly) {
        return run(img -> ConfigControl.incrementalAlter(img, settings.logDefaults(), ops, validateOnly));
    }

    /** Legacy AlterConfigs on topics: the given map replaces every override of the topic. */
    public CompletableFuture<Map<String, ApiError>> replaceTopicConfigs(Map<String, Map<String, String>> configs,
            boolean validateOnly) {
        return run(img -> ConfigControl.replace(img, settings.logDefaults(), configs, validateOnly));
    }

    /** Hands {@code brokerId} the next block of producer ids; no id is ever handed out twice. */
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int brokerId) {
        return run(img -> {
            ProducerIdBlock block = new ProducerIdBlock(img.nextProducerId(), PRODUCER_ID_BLOCK_SIZE);
            return new ControllerResult<>(
                    List.of(new MetadataRecord.ProducerIdsRecord(brokerId, block.nextBlockFirstId())), block);
        });
    }

    /** Records where a broker is reached; commits nothing when the registration is unchanged. */
    public CompletableFuture<Void> registerBroker(BrokerRegistration broker) {
        return run(img -> {
            if (broker.equals(img.brokers().get(broker.id()))) {
                return new ControllerResult<Void>(List.of(), null);
            }
            return new ControllerResult<Void>(List.of(new MetadataRecord.RegisterBrokerRecord(broker.id(),
                    broker.host(), broker.port(), broker.rack())), null);
        });
    }

    /** The defaults topics inherit; used by handlers to describe configs. */
    public LogConfig logDefaults() {
        return settings.logDefaults();
    }

    private <T> CompletableFuture<T> run(Function<MetadataImage, ControllerResult<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> execute(operation, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new NotControllerException("The controller is shut down"));
        }
        return result;
    }

    private <T> void execute(Function<MetadataImage, ControllerResult<T>> operation, CompletableFuture<T> result) {
        if (failed) {
            result.completeExceptionally(new KafkaStorageException("The metadata log failed; restart the broker"));
            return;
        }
        ControllerResult<T> decided;
        try {
            decided = operation.apply(image);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        if (decided.records().isEmpty()) {
            lastPublished.whenComplete((ignored, error) -> result.complete(decided.response()));
            return;
        }
        if (decided.records().size() > settings.recordsPerOperationMax()) {
            result.completeExceptionally(new IllegalStateException(
                    "operation produced " + decided.records().size() + " records"));
            return;
        }
        long lastOffset;
        try {
            lastOffset = log.append(decided.records());
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("Metadata commit failed; refusing further metadata changes until restart", e);
            result.completeExceptionally(new KafkaStorageException("Metadata commit failed: " + e.getMessage()));
            return;
        }
        MetadataImage previous = image;
        image = replay(previous, decided.records(), lastOffset);
        CompletableFuture<Void> published = publisher.publish(previous, image);
        lastPublished = published;
        published.whenComplete((ignored, error) -> result.complete(decided.response()));
    }

    static MetadataImage replay(MetadataImage base, List<MetadataRecord> records, long lastOffset) {
        MetadataImage.Builder builder = base.toBuilder();
        long offset = lastOffset - records.size() + 1;
        for (MetadataRecord record : new ArrayList<>(records)) {
            builder.apply(offset++, record);
        }
        return builder.build();
    }

    /** Finishes queued operations, then stops the thread. Does not close the log. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
