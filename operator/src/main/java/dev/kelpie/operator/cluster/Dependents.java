package dev.kelpie.operator.cluster;

import dev.kelpie.operator.model.ClusterModel;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The six kinds a Cluster owns, one JOSDK dependent each. JOSDK instantiates them reflectively. */
final class Dependents {

    private Dependents() {
    }

    @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.MANAGED))
    static final class ServiceAccountDependent extends ClusterDependent<ServiceAccount> {
        ServiceAccountDependent() {
            super(ServiceAccount.class, ClusterModel::serviceAccount);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.MANAGED))
    static final class ConfigMapDependent extends ClusterDependent<ConfigMap> {
        ConfigMapDependent() {
            super(ConfigMap.class, ClusterModel::configMap);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.MANAGED))
    static final class HeadlessServiceDependent extends ClusterDependent<Service> {
        HeadlessServiceDependent() {
            super(Service.class, ClusterModel::headlessService);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.MANAGED))
    static final class BootstrapServiceDependent extends ClusterDependent<Service> {
        BootstrapServiceDependent() {
            super(Service.class, ClusterModel::bootstrapService);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.MANAGED))
    static final class StatefulSetDependent extends ClusterDependent<StatefulSet> {
        StatefulSetDependent() {
            super(StatefulSet.class, ClusterModel::statefulSet);
        }
    }

    @KubernetesDependent(informer = @Informer(labelSelector = ClusterDependent.MANAGED))
    static final class PodDisruptionBudgetDependent extends ClusterDependent<PodDisruptionBudget> {
        PodDisruptionBudgetDependent() {
            super(PodDisruptionBudget.class, ClusterModel::podDisruptionBudget);
        }
    }
}
