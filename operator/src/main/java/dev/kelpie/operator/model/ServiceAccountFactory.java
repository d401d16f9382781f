package dev.kelpie.operator.model;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/** The brokers' own identity. Brokers never call the Kubernetes API, so no token is mounted. */
public final class ServiceAccountFactory {

    private ServiceAccountFactory() {
    }

    public static ServiceAccount serviceAccount(ResolvedSpec spec) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                    .withName(spec.names().serviceAccount())
                    .withNamespace(spec.names().namespace())
                    .withLabels(ClusterLabels.all(spec.names().cluster()))
                .endMetadata()
                .withAutomountServiceAccountToken(false)
                .build();
    }
}
