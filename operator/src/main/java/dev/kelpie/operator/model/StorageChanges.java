package dev.kelpie.operator.model;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.StorageSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Detects a change of {@code spec.storage} against the running StatefulSet. A StatefulSet's volume claim
 * templates cannot be changed, so the operator keeps the old ones and says so, rather than failing every
 * reconcile on the API server's refusal. (Resizing existing claims is future work.)
 */
public final class StorageChanges {

    public static final String STORAGE_CHANGE_NOT_SUPPORTED = "StorageChangeNotSupported";

    private StorageChanges() {
    }

    public static Optional<SpecProblem> check(Cluster cluster, StatefulSet existing) {
        StorageSpec storage = cluster.getSpec() == null ? null : cluster.getSpec().getStorage();
        Optional<PersistentVolumeClaim> data = dataClaim(existing);
        if (storage == null || storage.getSize() == null || data.isEmpty()) {
            return Optional.empty();
        }
        Quantity size = data.get().getSpec().getResources().getRequests().get("storage");
        String storageClass = data.get().getSpec().getStorageClassName();
        boolean sameSize = size != null && Quantity.getAmountInBytes(size)
                .compareTo(Quantity.getAmountInBytes(new Quantity(storage.getSize()))) == 0;
        boolean sameClass = storage.getStorageClass() == null || Objects.equals(storage.getStorageClass(), storageClass);
        if (sameSize && sameClass) {
            return Optional.empty();
        }
        return Optional.of(SpecProblem.warn(STORAGE_CHANGE_NOT_SUPPORTED, "spec.storage asks for "
                + storage.getSize() + (storage.getStorageClass() != null ? " of class " + storage.getStorageClass() : "")
                + " but the brokers' volumes were created with " + size
                + (storageClass != null ? " of class " + storageClass : "")
                + "; volume changes are not applied yet, the brokers keep their volumes"));
    }

    /** The existing StatefulSet's data volume claim template, when it has a size. */
    static Optional<PersistentVolumeClaim> dataClaim(StatefulSet existing) {
        if (existing == null || existing.getSpec() == null || existing.getSpec().getVolumeClaimTemplates() == null) {
            return Optional.empty();
        }
        return existing.getSpec().getVolumeClaimTemplates().stream()
                .filter(c -> StatefulSetFactory.DATA_VOLUME.equals(c.getMetadata().getName()))
                .filter(c -> c.getSpec() != null && c.getSpec().getResources() != null
                        && c.getSpec().getResources().getRequests() != null
                        && c.getSpec().getResources().getRequests().get("storage") != null)
                .findFirst();
    }
}
