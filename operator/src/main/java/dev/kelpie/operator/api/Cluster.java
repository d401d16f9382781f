package dev.kelpie.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Kelpie broker cluster: {@code replicas} combined broker pods, the first three of which also form the
 * metadata quorum. The operator owns a ConfigMap, two Services, a StatefulSet, a PodDisruptionBudget and a
 * ServiceAccount per Cluster, all named after it.
 *
 * <p>Not thread-safe: a mutable Jackson bean, as fabric8 requires.
 */
@Group(Cluster.GROUP)
@Version(Cluster.VERSION)
@Kind("Cluster")
@Plural("clusters")
@ShortNames("kc")
@Categories("kelpie")
@AdditionalPrinterColumn(name = "Desired", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".spec.replicas")
@AdditionalPrinterColumn(name = "Ready replicas", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.readyReplicas")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", priority = 1)
@AdditionalPrinterColumn(name = "Warnings", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Warning\")].reason")
@AdditionalPrinterColumn(name = "Bootstrap", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.bootstrapServers", priority = 1)
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class Cluster extends CustomResource<ClusterSpec, ClusterStatus> implements Namespaced {

    public static final String GROUP = "kelpie.dev";
    public static final String VERSION = "v1alpha1";
}
