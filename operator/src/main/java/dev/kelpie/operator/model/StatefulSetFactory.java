package dev.kelpie.operator.model;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.Map;
import java.util.TreeMap;

/**
 * The StatefulSet running a Cluster's brokers.
 *
 * <ul>
 *   <li>{@code updateStrategy: OnDelete}: Kubernetes never restarts a broker by itself; the operator deletes
 *       out-of-date pods one at a time when it is safe.
 *   <li>{@code podManagementPolicy: Parallel}: all pods start at once. With OrderedReady, pod 1 would wait
 *       for pod 0 to be ready, which needs a quorum that pod 1 is part of.
 *   <li>One volume claim per pod, deleted with the Cluster only when {@code storage.deleteClaim} is true,
 *       never on scale-down (the data of a removed broker may still be needed).
 * </ul>
 */
public final class StatefulSetFactory {

    public static final String DATA_VOLUME = "data";

    private StatefulSetFactory() {
    }

    /** The StatefulSet whose pod template carries {@code restartHash} in {@link RestartHash#ANNOTATION}. */
    public static StatefulSet statefulSet(ResolvedSpec spec, PodTemplateSpec podTemplate) {
        ClusterNames names = spec.names();
        String retention = spec.deleteClaim() ? "Delete" : "Retain";
        return new StatefulSetBuilder()
                .withNewMetadata()
                    .withName(names.statefulSet())
                    .withNamespace(names.namespace())
                    .withLabels(ClusterLabels.all(names.cluster()))
                .endMetadata()
                .withNewSpec()
                    .withServiceName(names.headlessService())
                    .withReplicas(spec.replicas())
                    .withPodManagementPolicy("Parallel")
                    .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                    .withNewPersistentVolumeClaimRetentionPolicy()
                        .withWhenDeleted(retention)
                        .withWhenScaled("Retain")
                    .endPersistentVolumeClaimRetentionPolicy()
                    .withNewSelector().withMatchLabels(ClusterLabels.selector(names.cluster())).endSelector()
                    .withTemplate(podTemplate)
                    .withVolumeClaimTemplates(dataClaim(spec, spec.storage().getSize(), spec.storage().getStorageClass()))
                .endSpec()
                .build();
    }

    static PersistentVolumeClaim dataClaim(ResolvedSpec spec, String size, String storageClass) {
        Map<String, Quantity> requests = new TreeMap<>();
        requests.put("storage", new Quantity(size));
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName(DATA_VOLUME)
                    .withLabels(ClusterLabels.selector(spec.names().cluster()))
                .endMetadata()
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withStorageClassName(storageClass)
                    .withNewResources().withRequests(requests).endResources()
                .endSpec()
                .build();
    }
}
