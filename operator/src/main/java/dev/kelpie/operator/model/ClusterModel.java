package dev.kelpie.operator.model;

import dev.kelpie.operator.api.Cluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;

/**
 * Everything a Cluster should own, as a pure function of the Cluster: no API calls, no clock. The reconciler
 * applies these; golden-file tests pin them.
 *
 * @param spec the resolved spec they were built from
 * @param restartHash the digest every up-to-date pod carries
 * @param serviceAccount the brokers' ServiceAccount
 * @param configMap the shared properties file
 * @param headlessService per-pod DNS
 * @param bootstrapService the clients' entry point
 * @param statefulSet the brokers
 * @param podDisruptionBudget at most one broker evicted at a time
 */
public record ClusterModel(
        ResolvedSpec spec,
        String restartHash,
        ServiceAccount serviceAccount,
        ConfigMap configMap,
        Service headlessService,
        Service bootstrapService,
        StatefulSet statefulSet,
        PodDisruptionBudget podDisruptionBudget) {

    /** The desired resources of a Cluster that {@link ClusterValidation} found no blocking problem in. */
    public static ClusterModel of(Cluster cluster, OperatorDefaults defaults) {
        ResolvedSpec spec = ResolvedSpec.of(cluster, defaults);
        PodTemplateSpec podTemplate = PodTemplateFactory.podTemplate(spec);
        String restartHash = RestartHash.of(spec.brokerProperties(), podTemplate);
        podTemplate.getMetadata().getAnnotations().put(RestartHash.ANNOTATION, restartHash);
        return new ClusterModel(spec, restartHash,
                ServiceAccountFactory.serviceAccount(spec),
                ConfigMapFactory.configMap(spec),
                ServiceFactory.headless(spec),
                ServiceFactory.bootstrap(spec),
                StatefulSetFactory.statefulSet(spec, podTemplate),
                PodDisruptionBudgetFactory.podDisruptionBudget(spec));
    }

    /**
     * This model with the volume size and class the existing StatefulSet was created with: Kubernetes refuses
     * any change to a StatefulSet's volume claim templates, so a storage change is reported by
     * {@link StorageChanges} instead of applied.
     */
    public ClusterModel keepingVolumeClaimsOf(StatefulSet existing) {
        var data = StorageChanges.dataClaim(existing);
        if (data.isEmpty()) {
            return this;
        }
        String size = data.get().getSpec().getResources().getRequests().get("storage").toString();
        var claim = StatefulSetFactory.dataClaim(spec, size, data.get().getSpec().getStorageClassName());
        StatefulSet kept = new StatefulSetBuilder(statefulSet)
                .editSpec().withVolumeClaimTemplates(claim).endSpec()
                .build();
        return new ClusterModel(spec, restartHash, serviceAccount, configMap, headlessService, bootstrapService, kept,
                podDisruptionBudget);
    }

    /** In the order they are applied: what the StatefulSet's pods need comes before it. */
    public List<HasMetadata> resources() {
        return List.of(serviceAccount, configMap, headlessService, bootstrapService, statefulSet,
                podDisruptionBudget);
    }
}
