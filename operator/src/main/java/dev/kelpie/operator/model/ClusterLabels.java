package dev.kelpie.operator.model;

import java.util.Map;
import java.util.TreeMap;

/** The labels of everything the operator creates for a Cluster. */
public final class ClusterLabels {

    /** Names the Cluster a resource belongs to; the pod informer maps pods back to their Cluster with it. */
    public static final String CLUSTER = "kelpie.dev/cluster";
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String MANAGER = "kelpie-operator";

    private ClusterLabels() {
    }

    /**
     * What the StatefulSet, Services and PodDisruptionBudget select pods by. Never change these: a
     * StatefulSet's selector is immutable.
     */
    public static Map<String, String> selector(String cluster) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(NAME, "kelpie");
        labels.put(INSTANCE, cluster);
        labels.put(COMPONENT, "broker");
        labels.put(CLUSTER, cluster);
        return labels;
    }

    /** Selector labels plus the informational ones. */
    public static Map<String, String> all(String cluster) {
        Map<String, String> labels = selector(cluster);
        labels.put(MANAGED_BY, MANAGER);
        labels.put(PART_OF, "kelpie");
        return labels;
    }

    /** The label selector string for list and watch calls that find a Cluster's resources. */
    public static String managedSelector() {
        return MANAGED_BY + "=" + MANAGER + "," + CLUSTER;
    }
}
