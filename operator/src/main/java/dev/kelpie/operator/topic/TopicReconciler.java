package dev.kelpie.operator.topic;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import dev.kelpie.operator.api.TopicStatus;
import dev.kelpie.operator.events.EventRecorder;
import dev.kelpie.operator.model.SpecProblem;
import dev.kelpie.operator.status.Conditions;
import dev.kelpie.operator.status.StatusPatch;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Kafka topic in line with its Topic resource, through an Admin client on the referenced Cluster.
 * Each reconcile, whatever triggered it:
 *
 * <ol>
 *   <li>refuse a spec that cannot be carried out (invalid, or a renamed topic), with no Admin call;
 *   <li>find the Cluster; without one, say so and wait for it to appear;
 *   <li>describe the topic, plan with {@link TopicPlanner}, make the planned Admin calls, describe again;
 *   <li>report: status ({@code Ready} with the reason, topic id, partitions, replicas) and Events;
 *   <li>look again after the drift-check interval (changes made behind the operator's back are reverted),
 *       sooner after an error that may pass, and not at all after a refusal only a spec change can lift.
 * </ol>
 *
 * <p>Deleting a Topic ({@link #cleanup}) deletes the Kafka topic when {@code deletionPolicy} is
 * {@code Delete} and keeps it with {@code Retain}. A Topic whose Cluster is gone is released with a Warning
 * Event, never left holding up its namespace's deletion.
 *
 * <p>JOSDK never reconciles one Topic twice at once; different Topics reconcile in parallel, and share the
 * thread-safe {@link AdminClients}.
 */
@ControllerConfiguration(name = TopicReconciler.NAME, finalizerName = TopicReconciler.FINALIZER)
public class TopicReconciler implements Reconciler<Topic>, Cleaner<Topic>, AutoCloseable {

    public static final String NAME = "topic";
    public static final String FINALIZER = "kelpie.dev/topic";
    static final String CLUSTER_INDEX = "topic-by-cluster";
    static final String EVENT_CREATED = "TopicCreated";
    static final String EVENT_PARTITIONS_ADDED = "PartitionsAdded";
    static final String EVENT_CONFIGS_APPLIED = "ConfigsApplied";
    static final String EVENT_DRIFT_REVERTED = "DriftReverted";
    static final String EVENT_DELETED = "TopicDeleted";
    static final String EVENT_RETAINED = "TopicRetained";
    static final String EVENT_RELEASED = "TopicReleased";
    private static final Logger LOG = LoggerFactory.getLogger(TopicReconciler.class);

    private final BootstrapResolver bootstrap;
    private final TopicSettings settings;
    private final AdminClients admins;
    private final Clock clock;
    private final EventRecorder events;

    /**
     * @param bootstrap where a Cluster's brokers are reached
     * @param admins the Admin clients, closed by {@link #close()}
     */
    public TopicReconciler(BootstrapResolver bootstrap, TopicSettings settings, AdminClients admins, Clock clock,
            EventRecorder events) {
        this.bootstrap = bootstrap;
        this.settings = settings;
        this.admins = admins;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Clusters are watched too: a Topic waiting for its Cluster reconciles when it appears, and a Cluster's
     * deletion closes its Admin client. Topics are indexed by Cluster to find a Cluster's Topics.
     */
    @Override
    public List<EventSource<?, Topic>> prepareEventSources(EventSourceContext<Topic> context) {
        context.getPrimaryCache().addIndexer(CLUSTER_INDEX, topic -> List.of(clusterKey(topic)));
        var clusters = InformerEventSourceConfiguration.from(Cluster.class, Topic.class)
                .withName("clusters")
                .withPrimaryToSecondaryMapper((Topic topic) -> clusterOf(topic).map(Set::of).orElse(Set.of()))
                .withSecondaryToPrimaryMapper(cluster -> context.getPrimaryCache()
                        .byIndex(CLUSTER_INDEX, cluster.getMetadata().getNamespace() + "/"
                                + cluster.getMetadata().getName())
                        .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .withOnUpdateFilter(TopicReconciler::reachabilityChanged)
                .withOnDeleteFilter((cluster, finalStateUnknown) -> {
                    admins.release(ResourceID.fromResource(cluster));
                    return true;
                })
                .build();
        return List.of(new InformerEventSource<>(clusters, context));
    }

    @Override
    public UpdateControl<Topic> reconcile(Topic topic, Context<Topic> context) {
        List<SpecProblem> refused = TopicPlanner.refusals(topic);
        if (refused.stream().anyMatch(SpecProblem::blocking)) {
            return report(topic, TopicOutcome.refused(TopicPlanner.managedName(topic),
                    refused.stream().filter(SpecProblem::blocking).toList()), context);
        }
        Optional<Cluster> cluster = context.getSecondaryResource(Cluster.class);
        if (cluster.isEmpty()) {
            clusterOf(topic).ifPresent(admins::release);
            return report(topic, TopicOutcome.clusterNotFound(TopicPlanner.managedName(topic),
                    topic.getSpec().getCluster(), topic.getMetadata().getNamespace()), context);
        }
        return report(topic, syncWithBroker(topic, cluster.get(), context), context);
    }

    /** Describe, plan, carry out, describe again; a failed Admin call ends the attempt with its error. */
    private TopicOutcome syncWithBroker(Topic topic, Cluster cluster, Context<Topic> context) {
        String name = TopicPlanner.managedName(topic);
        Optional<ObservedTopic> observed = Optional.empty();
        try {
            TopicAdmin admin = admins.forCluster(ResourceID.fromResource(cluster),
                    bootstrap.bootstrapServers(cluster));
            observed = admin.describe(name);
            TopicPlan plan = TopicPlanner.plan(topic, observed);
            for (TopicAction action : plan.actions()) {
                admin.execute(action);
                recordAction(topic, action, context);
            }
            if (!plan.actions().isEmpty()) {
                observed = admin.describe(name);
            }
            return TopicOutcome.synced(name, plan.problems(), TopicPlanner.plan(topic, observed), observed);
        } catch (TopicAdminException e) {
            return TopicOutcome.brokerError(name, observed, e);
        }
    }

    @Override
    public DeleteControl cleanup(Topic topic, Context<Topic> context) {
        String name = TopicPlanner.managedName(topic);
        if (deletionPolicy(topic) == TopicSpec.DeletionPolicy.RETAIN) {
            events.normal(context.getClient(), topic, EVENT_RETAINED, "deletionPolicy is Retain: topic " + name
                    + " is kept in the broker");
            return DeleteControl.defaultDelete();
        }
        if (neverManagedATopic(topic)) {
            return DeleteControl.defaultDelete();
        }
        Optional<Cluster> cluster = context.getSecondaryResource(Cluster.class);
        if (cluster.isEmpty() || cluster.get().isMarkedForDeletion()) {
            clusterOf(topic).ifPresent(admins::release);
            events.warning(context.getClient(), topic, EVENT_RELEASED, "Cluster "
                    + clusterOf(topic).map(ResourceID::getName).orElse("(none)")
                    + " no longer exists: released the resource without deleting topic " + name);
            return DeleteControl.defaultDelete();
        }
        return deleteTopic(topic, name, cluster.get(), context);
    }

    private DeleteControl deleteTopic(Topic topic, String name, Cluster cluster, Context<Topic> context) {
        try {
            boolean existed = admins.forCluster(ResourceID.fromResource(cluster), bootstrap.bootstrapServers(cluster))
                    .delete(name);
            events.normal(context.getClient(), topic, EVENT_DELETED, existed ? "Deleted topic " + name
                    : "Topic " + name + " was already gone");
            return DeleteControl.defaultDelete();
        } catch (TopicAdminException e) {
            report(topic, TopicOutcome.brokerError(name, Optional.empty(), e), context);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.retryInterval());
        }
    }

    @Override
    public ErrorStatusUpdateControl<Topic> updateErrorStatus(Topic topic, Context<Topic> context, Exception e) {
        try {
            StatusPatch.replace(topic, TopicStatuses.failed(topic, e, clock.instant()), context);
        } catch (KubernetesClientException statusError) {
            LOG.warn("Could not write the failure status of {}/{}: {}", topic.getMetadata().getNamespace(),
                    topic.getMetadata().getName(), statusError.getMessage());
        }
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    /** Writes the status when it changed, records the Ready transition, and says when to look again. */
    private UpdateControl<Topic> report(Topic topic, TopicOutcome outcome, Context<Topic> context) {
        TopicStatus previous = topic.getStatus();
        TopicStatus next = TopicStatuses.of(topic, outcome, clock.instant());
        recordTransition(topic, previous, outcome, context);
        if (!TopicStatuses.same(previous, next)) {
            StatusPatch.replace(topic, next, context);
        }
        UpdateControl<Topic> control = UpdateControl.noUpdate();
        return switch (outcome.recheck()) {
            case NONE -> control;
            case RETRY -> control.rescheduleAfter(settings.retryInterval());
            case DRIFT -> control.rescheduleAfter(settings.driftCheckInterval());
        };
    }

    private void recordTransition(Topic topic, TopicStatus previous, TopicOutcome outcome, Context<Topic> context) {
        Condition was = previous == null ? null : Conditions.find(previous.getConditions(), Conditions.READY);
        boolean same = was != null && Objects.equals(was.getStatus(), outcome.ready() ? "True" : "False")
                && Objects.equals(was.getReason(), outcome.reason()) && Objects.equals(was.getMessage(),
                        outcome.message());
        if (same || (outcome.ready() && was != null && "True".equals(was.getStatus()))) {
            return;
        }
        if (outcome.ready()) {
            events.normal(context.getClient(), topic, outcome.reason(), outcome.message());
        } else {
            events.warning(context.getClient(), topic, outcome.reason(), outcome.message());
        }
    }

    /** A Normal Event per Admin call; a config change on an unchanged, in-sync resource is reverted drift. */
    private void recordAction(Topic topic, TopicAction action, Context<Topic> context) {
        String reason;
        if (action instanceof TopicAction.Create) {
            reason = EVENT_CREATED;
        } else if (action instanceof TopicAction.AddPartitions) {
            reason = EVENT_PARTITIONS_ADDED;
        } else {
            reason = wasInSyncAtThisGeneration(topic) ? EVENT_DRIFT_REVERTED : EVENT_CONFIGS_APPLIED;
        }
        LOG.info("Topic {}/{}: {} {}", topic.getMetadata().getNamespace(), topic.getMetadata().getName(), reason,
                action);
        events.normal(context.getClient(), topic, reason, action.toString());
    }

    private static boolean wasInSyncAtThisGeneration(Topic topic) {
        TopicStatus status = topic.getStatus();
        if (status == null || !Objects.equals(status.getObservedGeneration(), topic.getMetadata().getGeneration())) {
            return false;
        }
        Condition ready = Conditions.find(status.getConditions(), Conditions.READY);
        return ready != null && "True".equals(ready.getStatus());
    }

    /** A Topic refused before it ever managed a topic has nothing in the broker to delete. */
    private static boolean neverManagedATopic(Topic topic) {
        boolean recorded = topic.getStatus() != null && topic.getStatus().getTopicName() != null;
        return !recorded && TopicPlanner.refusals(topic).stream().anyMatch(SpecProblem::blocking);
    }

    private static TopicSpec.DeletionPolicy deletionPolicy(Topic topic) {
        TopicSpec spec = topic.getSpec();
        return spec == null || spec.getDeletionPolicy() == null ? TopicSpec.DeletionPolicy.DELETE
                : spec.getDeletionPolicy();
    }

    /** A Cluster change matters to its Topics only when it can change how, or whether, brokers are reached. */
    private static boolean reachabilityChanged(Cluster now, Cluster before) {
        return !Objects.equals(bootstrapOf(now), bootstrapOf(before)) || !Objects.equals(readyOf(now), readyOf(before))
                || now.isMarkedForDeletion() != before.isMarkedForDeletion();
    }

    private static String bootstrapOf(Cluster cluster) {
        return cluster.getStatus() == null ? null : cluster.getStatus().getBootstrapServers();
    }

    private static String readyOf(Cluster cluster) {
        Condition ready = cluster.getStatus() == null ? null
                : Conditions.find(cluster.getStatus().getConditions(), Conditions.READY);
        return ready == null ? null : ready.getStatus();
    }

    private static Optional<ResourceID> clusterOf(Topic topic) {
        String cluster = topic.getSpec() == null ? null : topic.getSpec().getCluster();
        return cluster == null || cluster.isBlank() ? Optional.empty()
                : Optional.of(new ResourceID(cluster, topic.getMetadata().getNamespace()));
    }

    private static String clusterKey(Topic topic) {
        return topic.getMetadata().getNamespace() + "/" + (topic.getSpec() == null ? "" : topic.getSpec().getCluster());
    }

    /** The Admin clients this reconciler made, by Cluster. */
    Set<ResourceID> adminClientClusters() {
        return admins.clusters();
    }

    /** Closes every Admin client; call after the operator stopped reconciling. */
    @Override
    public void close() {
        admins.close();
    }
}
