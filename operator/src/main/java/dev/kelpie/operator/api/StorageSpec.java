package dev.kelpie.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One PersistentVolumeClaim per broker pod, mounted as its log directory. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

    /** Kubernetes quantity syntax (decimal or binary suffixes). */
    public static final String QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

    @Required
    @Pattern(QUANTITY_PATTERN)
    @JsonPropertyDescription("Size of each broker's volume, e.g. `100Gi`. Cannot be changed after creation yet.")
    private String size;

    @JsonPropertyDescription("StorageClass of the volumes. Defaults to the cluster's default class.")
    private String storageClass;

    @JsonPropertyDescription("Delete the volumes when the Cluster is deleted. Default false: data is kept.")
    private Boolean deleteClaim;

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClass() {
        return storageClass;
    }

    public void setStorageClass(String storageClass) {
        this.storageClass = storageClass;
    }

    public Boolean getDeleteClaim() {
        return deleteClaim;
    }

    public void setDeleteClaim(Boolean deleteClaim) {
        this.deleteClaim = deleteClaim;
    }
}
