package dev.kelpie.operator.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DeleteTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The Admin calls the Topic reconciler makes, each bounded in time: the call's own timeout, and a wait on
 * its future that gives up a little later still, so a reconcile thread never blocks forever on a broker
 * that does not answer. Failures are {@link TopicAdminException}s carrying the Kafka error name.
 *
 * <p>Thread-safe, as {@link Admin} is.
 */
public final class TopicAdmin implements AutoCloseable {

    /** Past the call's own timeout, how long to wait for the client to report it. */
    private static final long FUTURE_GRACE_MS = 2_000;

    private final Admin admin;
    private final int callTimeoutMs;

    /**
     * @param admin the client; closed by {@link #close()}
     * @param callTimeout how long each Admin call may take
     */
    public TopicAdmin(Admin admin, Duration callTimeout) {
        this.admin = admin;
        this.callTimeoutMs = (int) Math.min(Integer.MAX_VALUE, callTimeout.toMillis());
    }

    /** The topic as the broker describes it, with the configs set on it; empty when it does not exist. */
    public Optional<ObservedTopic> describe(String name) {
        String operation = "Describing topic " + name;
        Map<String, TopicDescription> descriptions;
        Config config;
        try {
            descriptions = await(operation, admin.describeTopics(List.of(name),
                    new DescribeTopicsOptions().timeoutMs(callTimeoutMs)).allTopicNames());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            config = await(operation, admin.describeConfigs(List.of(resource),
                    new DescribeConfigsOptions().timeoutMs(callTimeoutMs)).all()).get(resource);
        } catch (TopicAdminException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
        TopicDescription description = descriptions.get(name);
        Map<String, String> configs = new HashMap<>();
        for (ConfigEntry entry : config.entries()) {
            if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && entry.value() != null) {
                configs.put(entry.name(), entry.value());
            }
        }
        int replicas = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
        return Optional.of(new ObservedTopic(name, description.topicId().toString(), description.partitions().size(),
                replicas, configs));
    }

    /** Makes one planned call. */
    public void execute(TopicAction action) {
        if (action instanceof TopicAction.Create create) {
            create(create);
        } else if (action instanceof TopicAction.AddPartitions add) {
            await("CreatePartitions of topic " + add.name() + " up to " + add.totalCount(),
                    admin.createPartitions(Map.of(add.name(), NewPartitions.increaseTo(add.totalCount())),
                            new CreatePartitionsOptions().timeoutMs(callTimeoutMs)).all());
        } else if (action instanceof TopicAction.AlterConfigs alter) {
            alterConfigs(alter);
        } else {
            throw new IllegalArgumentException("unknown action " + action);
        }
    }

    /** Deletes a topic; false when it did not exist. */
    public boolean delete(String name) {
        try {
            await("DeleteTopics of topic " + name, admin.deleteTopics(TopicCollection.ofTopicNames(List.of(name)),
                    new DeleteTopicsOptions().timeoutMs(callTimeoutMs)).all());
            return true;
        } catch (TopicAdminException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    private void create(TopicAction.Create create) {
        NewTopic topic = new NewTopic(create.name(),
                create.partitions().isPresent() ? Optional.of(create.partitions().getAsInt()) : Optional.empty(),
                create.replicas().isPresent() ? Optional.of((short) create.replicas().getAsInt()) : Optional.empty())
                .configs(create.configs());
        await("CreateTopics of topic " + create.name() + " with configs " + create.configs(),
                admin.createTopics(List.of(topic), new CreateTopicsOptions().timeoutMs(callTimeoutMs)).all());
    }

    private void alterConfigs(TopicAction.AlterConfigs alter) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, alter.name());
        List<AlterConfigOp> ops = new ArrayList<>();
        alter.set().forEach((key, value) -> ops.add(new AlterConfigOp(new ConfigEntry(key, value),
                AlterConfigOp.OpType.SET)));
        alter.delete().forEach(key -> ops.add(new AlterConfigOp(new ConfigEntry(key, null),
                AlterConfigOp.OpType.DELETE)));
        await("IncrementalAlterConfigs of topic " + alter.name() + " (set " + alter.set() + ", delete "
                + alter.delete() + ")", admin.incrementalAlterConfigs(Map.of(resource, ops),
                        new AlterConfigsOptions().timeoutMs(callTimeoutMs)).all());
    }

    private <T> T await(String operation, KafkaFuture<T> future) {
        try {
            return future.get(callTimeoutMs + FUTURE_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw TopicAdminException.of(operation, e);
        }
    }

    /** Closes the client, waiting at most the call timeout for in-flight calls. */
    @Override
    public void close() {
        admin.close(Duration.ofMillis(callTimeoutMs));
    }
}
