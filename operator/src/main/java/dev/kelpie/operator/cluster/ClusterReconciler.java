package dev.kelpie.operator.cluster;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.ClusterStatus;
import dev.kelpie.operator.cluster.Dependents.BootstrapServiceDependent;
import dev.kelpie.operator.cluster.Dependents.ConfigMapDependent;
import dev.kelpie.operator.cluster.Dependents.HeadlessServiceDependent;
import dev.kelpie.operator.cluster.Dependents.PodDisruptionBudgetDependent;
import dev.kelpie.operator.cluster.Dependents.ServiceAccountDependent;
import dev.kelpie.operator.cluster.Dependents.StatefulSetDependent;
import dev.kelpie.operator.events.EventRecorder;
import dev.kelpie.operator.model.ClusterLabels;
import dev.kelpie.operator.model.ClusterModel;
import dev.kelpie.operator.model.ClusterValidation;
import dev.kelpie.operator.model.OperatorDefaults;
import dev.kelpie.operator.model.ScaleChanges;
import dev.kelpie.operator.model.SpecProblem;
import dev.kelpie.operator.model.StorageChanges;
import dev.kelpie.operator.rolling.RestartDecision;
import dev.kelpie.operator.rolling.RestartPlanner;
import dev.kelpie.operator.status.Conditions;
import dev.kelpie.operator.status.StatusPatch;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Cluster into running brokers. Each reconcile, whatever triggered it:
 *
 * <ol>
 *   <li>validate the spec; a blocking problem stops here, with nothing applied, and is reported;
 *   <li>compute the desired resources ({@link ClusterModel}) and apply them, owned by the Cluster;
 *   <li>restart at most one out-of-date broker pod, when {@link RestartPlanner} says it is safe;
 *   <li>report: status conditions, and Events for what changed.
 * </ol>
 *
 * <p>JOSDK never runs two reconciles of one Cluster at once; different Clusters reconcile in parallel, so
 * the only state kept here, the pods deleted but not yet gone from the cache, is a concurrent map.
 */
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "service-account", type = ServiceAccountDependent.class),
        @Dependent(name = "config-map", type = ConfigMapDependent.class),
        @Dependent(name = "headless-service", type = HeadlessServiceDependent.class),
        @Dependent(name = "bootstrap-service", type = BootstrapServiceDependent.class),
        @Dependent(name = "stateful-set", type = StatefulSetDependent.class,
                dependsOn = {"service-account", "config-map", "headless-service"}),
        @Dependent(name = "pod-disruption-budget", type = PodDisruptionBudgetDependent.class)
})
@ControllerConfiguration(name = ClusterReconciler.NAME)
public class ClusterReconciler implements Reconciler<Cluster> {

    public static final String NAME = "cluster";
    static final String REASON_SPEC_REFUSED = "SpecRefused";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReconciler.class);

    private final OperatorDefaults defaults;
    private final Clock clock;
    private final EventRecorder events;
    private final Runnable onPodRestart;
    private final Map<ResourceID, String> deletedPodUid = new ConcurrentHashMap<>();

    public ClusterReconciler(OperatorDefaults defaults, Clock clock, EventRecorder events) {
        this(defaults, clock, events, () -> { });
    }

    /** @param onPodRestart called once per pod the rolling restart deletes (the operator's metrics) */
    public ClusterReconciler(OperatorDefaults defaults, Clock clock, EventRecorder events, Runnable onPodRestart) {
        this.defaults = defaults;
        this.clock = clock;
        this.events = events;
        this.onPodRestart = onPodRestart;
    }

    /** The Cluster's pods, which the StatefulSet owns, are watched too: readiness drives the restarts. */
    @Override
    public List<EventSource<?, Cluster>> prepareEventSources(EventSourceContext<Cluster> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, Cluster.class)
                .withName("pods")
                .withLabelSelector(ClusterDependent.MANAGED)
                .withSecondaryToPrimaryMapper(ClusterReconciler::clusterOfPod)
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    private static Set<ResourceID> clusterOfPod(Pod pod) {
        String cluster = pod.getMetadata().getLabels() == null ? null
                : pod.getMetadata().getLabels().get(ClusterLabels.CLUSTER);
        return cluster == null ? Set.of() : Set.of(new ResourceID(cluster, pod.getMetadata().getNamespace()));
    }

    @Override
    public UpdateControl<Cluster> reconcile(Cluster cluster, Context<Cluster> context) {
        StatefulSet existing = context.getSecondaryResource(StatefulSet.class).orElse(null);
        List<SpecProblem> problems = validate(cluster, existing);
        if (ClusterValidation.anyBlocking(problems)) {
            return report(cluster, problems, existing, null, null, context);
        }
        ClusterModel model = ClusterModel.of(cluster, defaults);
        if (problems.stream().anyMatch(p -> StorageChanges.STORAGE_CHANGE_NOT_SUPPORTED.equals(p.reason()))) {
            model = model.keepingVolumeClaimsOf(existing);
        }
        applyOwnedResources(model, context);
        RestartDecision restart = restartOnePodIfSafe(cluster, model, context);
        return report(cluster, problems, existing, restart, model.spec().bootstrapServers(), context);
    }

    @Override
    public ErrorStatusUpdateControl<Cluster> updateErrorStatus(Cluster cluster, Context<Cluster> context,
            Exception e) {
        Condition wasReady = cluster.getStatus() == null ? null
                : Conditions.find(cluster.getStatus().getConditions(), Conditions.READY);
        if (wasReady == null || !ClusterStatuses.REASON_RECONCILE_FAILED.equals(wasReady.getReason())) {
            events.warning(context.getClient(), cluster, ClusterStatuses.REASON_RECONCILE_FAILED,
                    "Reconcile failed, retrying with back-off: " + e.getMessage());
        }
        ClusterStatus failed = ClusterStatuses.failed(cluster, e, clock.instant());
        try {
            writeStatus(cluster, failed, context);
        } catch (KubernetesClientException statusError) {
            LOG.warn("Could not write the failure status of {}/{}: {}", cluster.getMetadata().getNamespace(),
                    cluster.getMetadata().getName(), statusError.getMessage());
        }
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    private static List<SpecProblem> validate(Cluster cluster, StatefulSet existing) {
        List<SpecProblem> problems = new ArrayList<>(ClusterValidation.problems(cluster));
        StorageChanges.check(cluster, existing).ifPresent(problems::add);
        problems.addAll(ScaleChanges.check(cluster, existing));
        return problems;
    }

    private static void applyOwnedResources(ClusterModel model, Context<Cluster> context) {
        var workflow = context.managedWorkflowAndDependentResourceContext();
        workflow.put(ClusterDependent.MODEL_KEY, model);
        workflow.reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();
    }

    private RestartDecision restartOnePodIfSafe(Cluster cluster, ClusterModel model, Context<Cluster> context) {
        ResourceID id = ResourceID.fromResource(cluster);
        List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
        Set<String> liveUids = pods.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        deletedPodUid.computeIfPresent(id, (k, uid) -> liveUids.contains(uid) ? uid : null);
        Set<String> deleted = deletedPodUid.containsKey(id) ? Set.of(deletedPodUid.get(id)) : Set.of();
        RestartDecision decision = RestartPlanner.plan(model.statefulSet().getMetadata().getName(),
                model.spec().replicas(), model.spec().voters(), model.restartHash(), pods, deleted);
        if (decision instanceof RestartDecision.Restart restart) {
            Pod pod = pods.stream().filter(p -> p.getMetadata().getName().equals(restart.pod())).findFirst()
                    .orElseThrow();
            LOG.info("Restarting {}/{}: {}", pod.getMetadata().getNamespace(), restart.pod(), restart.message());
            if (pod.getMetadata().getUid() != null) {
                deletedPodUid.put(id, pod.getMetadata().getUid());
            }
            context.getClient().pods().inNamespace(pod.getMetadata().getNamespace()).withName(restart.pod()).delete();
            onPodRestart.run();
            events.normal(context.getClient(), cluster, restart.reason().name(), "Restarted " + restart.pod()
                    + " (" + restart.outdated() + " pod(s) were out of date): " + restart.message());
        }
        return decision;
    }

    private UpdateControl<Cluster> report(Cluster cluster, List<SpecProblem> problems, StatefulSet existing,
            RestartDecision restart, String bootstrapServers, Context<Cluster> context) {
        ClusterStatus previous = cluster.getStatus();
        ClusterStatus next = ClusterStatuses.of(cluster, problems, existing, restart, bootstrapServers,
                clock.instant());
        recordTransitions(cluster, previous, next, problems, context);
        if (previous == null || !sameStatus(previous, next)) {
            writeStatus(cluster, next, context);
        }
        return UpdateControl.noUpdate();
    }

    private static void writeStatus(Cluster cluster, ClusterStatus status, Context<Cluster> context) {
        StatusPatch.replace(cluster, status, context);
    }

    /** Events for what is new since the last status: each new problem, and the Ready transitions. */
    private void recordTransitions(Cluster cluster, ClusterStatus previous, ClusterStatus next,
            List<SpecProblem> problems, Context<Cluster> context) {
        List<Condition> before = previous == null || previous.getConditions() == null ? List.of()
                : previous.getConditions();
        for (SpecProblem problem : problems) {
            boolean known = before.stream().anyMatch(c -> Conditions.WARNING.equals(c.getType())
                    && problem.reason().equals(c.getReason()) && problem.message().equals(c.getMessage()));
            if (!known) {
                events.warning(context.getClient(), cluster, problem.reason(),
                        (problem.blocking() ? "Spec refused, nothing applied: " : "") + problem.message());
            }
        }
        Condition wasReady = Conditions.find(before, Conditions.READY);
        Condition ready = Conditions.find(next.getConditions(), Conditions.READY);
        boolean changed = wasReady == null || !Objects.equals(wasReady.getStatus(), ready.getStatus());
        if (changed && "True".equals(ready.getStatus())) {
            events.normal(context.getClient(), cluster, ready.getReason(), "Cluster is ready: " + ready.getMessage());
        }
    }

    private static boolean sameStatus(ClusterStatus a, ClusterStatus b) {
        return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && Objects.equals(a.getConditions(), b.getConditions())
                && Objects.equals(a.getReplicas(), b.getReplicas())
                && Objects.equals(a.getReadyReplicas(), b.getReadyReplicas())
                && Objects.equals(a.getBootstrapServers(), b.getBootstrapServers())
                && Objects.equals(a.getClusterId(), b.getClusterId());
    }
}
