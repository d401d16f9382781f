package dev.kelpie.operator.cluster;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.model.ClusterModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.List;
import java.util.function.Function;

/**
 * A resource a Cluster owns. Its desired state is one part of the {@link ClusterModel} the reconciler
 * computed for this reconcile and left in the context; JOSDK creates or updates it and sets the owner
 * reference, so Kubernetes garbage-collects it with the Cluster.
 *
 * @param <R> the owned kind
 */
abstract class ClusterDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, Cluster> {

    static final String MODEL_KEY = "kelpie.dev/cluster-model";
    /** Informers of owned kinds only cache what this operator made. */
    static final String MANAGED = "app.kubernetes.io/managed-by=kelpie-operator";

    private final Function<ClusterModel, R> part;

    ClusterDependent(Class<R> type, Function<ClusterModel, R> part) {
        super(type);
        this.part = part;
    }

    /**
     * Makes the Cluster the resource's controller ({@code kubectl describe} shows "Controlled By"), and has
     * foreground deletion of the Cluster wait for it.
     */
    @Override
    protected void addReferenceHandlingMetadata(R desired, Cluster cluster) {
        desired.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
                .withApiVersion(cluster.getApiVersion())
                .withKind(cluster.getKind())
                .withName(cluster.getMetadata().getName())
                .withUid(cluster.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build()));
    }

    @Override
    protected R desired(Cluster cluster, Context<Cluster> context) {
        ClusterModel model = context.managedWorkflowAndDependentResourceContext().getMandatory(MODEL_KEY,
                ClusterModel.class);
        return part.apply(model);
    }
}
