package dev.kelpie.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/** Lets node drains evict at most one broker pod at a time, as the operator's own restarts do. */
public final class PodDisruptionBudgetFactory {

    private PodDisruptionBudgetFactory() {
    }

    public static PodDisruptionBudget podDisruptionBudget(ResolvedSpec spec) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                    .withName(spec.names().podDisruptionBudget())
                    .withNamespace(spec.names().namespace())
                    .withLabels(ClusterLabels.all(spec.names().cluster()))
                .endMetadata()
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector()
                        .withMatchLabels(ClusterLabels.selector(spec.names().cluster()))
                    .endSelector()
                .endSpec()
                .build();
    }
}
