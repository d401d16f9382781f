package dev.kelpie.operator.cluster;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.ClusterStatus;
import dev.kelpie.operator.model.ClusterIds;
import dev.kelpie.operator.model.SpecProblem;
import dev.kelpie.operator.rolling.RestartDecision;
import dev.kelpie.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Cluster's status, as a pure function of what the reconcile found. {@code Ready} is True only when the
 * spec was applied, every desired pod is ready, and no pod awaits a restart.
 */
final class ClusterStatuses {

    static final String REASON_READY = "AllPodsReady";
    static final String REASON_PODS_NOT_READY = "PodsNotReady";
    static final String REASON_ROLLING_RESTART = "RollingRestart";
    static final String REASON_RECONCILE_FAILED = "ReconcileFailed";

    private ClusterStatuses() {
    }

    /**
     * @param cluster the Cluster as reconciled, with its previous status
     * @param problems what validation found, blocking ones first
     * @param statefulSet the StatefulSet as last seen, if any
     * @param restart the rolling restart's step, or null when the spec was refused
     * @param bootstrapServers the client address, or null when the spec was refused
     * @param now the clock's time, for transition times
     */
    static ClusterStatus of(Cluster cluster, List<SpecProblem> problems, StatefulSet statefulSet,
            RestartDecision restart, String bootstrapServers, Instant now) {
        ClusterStatus previous = cluster.getStatus() != null ? cluster.getStatus() : new ClusterStatus();
        Long generation = cluster.getMetadata().getGeneration();
        int desired = cluster.getSpec() != null && cluster.getSpec().getReplicas() != null
                ? cluster.getSpec().getReplicas() : 0;
        Integer replicas = statefulSet != null && statefulSet.getStatus() != null
                ? statefulSet.getStatus().getReplicas() : null;
        Integer readyReplicas = statefulSet != null && statefulSet.getStatus() != null
                ? statefulSet.getStatus().getReadyReplicas() : null;

        List<Condition> conditions = new ArrayList<>();
        conditions.add(ready(problems, restart, desired, readyReplicas == null ? 0 : readyReplicas, generation));
        problems.forEach(p -> conditions.add(Conditions.of(Conditions.WARNING, true, p.reason(), p.message(),
                generation)));

        ClusterStatus status = new ClusterStatus();
        status.setObservedGeneration(generation);
        status.setConditions(Conditions.withTransitionTimes(previous.getConditions(), conditions, now));
        status.setReplicas(replicas);
        status.setReadyReplicas(readyReplicas);
        status.setBootstrapServers(bootstrapServers != null ? bootstrapServers : previous.getBootstrapServers());
        status.setClusterId(cluster.getMetadata().getUid() != null ? ClusterIds.of(cluster) : previous.getClusterId());
        return status;
    }

    /** The previous status with Ready=False for a reconcile that threw. */
    static ClusterStatus failed(Cluster cluster, Exception error, Instant now) {
        ClusterStatus previous = cluster.getStatus() != null ? cluster.getStatus() : new ClusterStatus();
        List<Condition> conditions = new ArrayList<>();
        conditions.add(Conditions.of(Conditions.READY, false, REASON_RECONCILE_FAILED,
                String.valueOf(error.getMessage()), cluster.getMetadata().getGeneration()));
        if (previous.getConditions() != null) {
            previous.getConditions().stream().filter(c -> !Conditions.READY.equals(c.getType()))
                    .forEach(conditions::add);
        }
        previous.setConditions(Conditions.withTransitionTimes(previous.getConditions(), conditions, now));
        return previous;
    }

    private static Condition ready(List<SpecProblem> problems, RestartDecision restart, int desired, int ready,
            Long generation) {
        List<SpecProblem> blocking = problems.stream().filter(SpecProblem::blocking).toList();
        if (!blocking.isEmpty()) {
            return Conditions.of(Conditions.READY, false, SpecProblem.INVALID_SPEC, "spec refused, nothing applied: "
                    + blocking.stream().map(SpecProblem::message).collect(Collectors.joining("; ")), generation);
        }
        if (restart instanceof RestartDecision.Restart step) {
            return Conditions.of(Conditions.READY, false, REASON_ROLLING_RESTART, step.outdated()
                    + " pod(s) to restart; restarting " + step.pod() + ": " + step.message(), generation);
        }
        if (restart instanceof RestartDecision.Wait wait) {
            return Conditions.of(Conditions.READY, false, REASON_ROLLING_RESTART, wait.outdated()
                    + " pod(s) to restart; waiting: " + wait.message(), generation);
        }
        if (ready < desired) {
            return Conditions.of(Conditions.READY, false, REASON_PODS_NOT_READY,
                    ready + " of " + desired + " pods ready", generation);
        }
        return Conditions.of(Conditions.READY, true, REASON_READY, ready + " of " + desired + " pods ready",
                generation);
    }
}
