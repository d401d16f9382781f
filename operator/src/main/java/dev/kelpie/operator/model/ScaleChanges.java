package dev.kelpie.operator.model;

import dev.kelpie.operator.api.Cluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Warns about replica changes whose consequences the operator cannot yet make safe. They are applied anyway:
 * the warnings last while the StatefulSet catches up with the spec, and their Events stay.
 */
public final class ScaleChanges {

    public static final String QUORUM_VOTERS_CHANGE = "QuorumVotersChange";
    public static final String SCALE_DOWN = "ScaleDown";

    private ScaleChanges() {
    }

    public static List<SpecProblem> check(Cluster cluster, StatefulSet existing) {
        List<SpecProblem> problems = new ArrayList<>();
        if (cluster.getSpec() == null || cluster.getSpec().getReplicas() == null || existing == null
                || existing.getSpec() == null || existing.getSpec().getReplicas() == null) {
            return problems;
        }
        int from = existing.getSpec().getReplicas();
        int to = cluster.getSpec().getReplicas();
        int votersFrom = Math.min(BrokerPorts.QUORUM_VOTERS_MAX, from);
        int votersTo = Math.min(BrokerPorts.QUORUM_VOTERS_MAX, to);
        if (to >= 1 && votersFrom != votersTo) {
            problems.add(SpecProblem.warn(QUORUM_VOTERS_CHANGE, "scaling from " + from + " to " + to
                    + " changes the metadata quorum from " + votersFrom + " to " + votersTo
                    + " voter(s); every pod restarts with the new controller.quorum.voters"));
        }
        if (to >= 1 && to < from) {
            problems.add(SpecProblem.warn(SCALE_DOWN, "scaling from " + from + " to " + to + " removes node(s) "
                    + to + (from - to > 1 ? "-" + (from - 1) : "") + "; their partitions are not moved first yet, "
                    + "and their volumes are kept"));
        }
        return problems;
    }
}
