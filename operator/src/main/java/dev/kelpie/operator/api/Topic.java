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
 * A topic of a {@link Cluster} in the same namespace. The resource is the source of truth: the operator
 * creates the topic, raises partitions, applies configs and reverts changes made behind its back.
 *
 * <p>Not thread-safe: a mutable Jackson bean, as fabric8 requires.
 */
@Group(Cluster.GROUP)
@Version(Cluster.VERSION)
@Kind("Topic")
@Plural("topics")
@ShortNames("kt")
@Categories("kelpie")
@AdditionalPrinterColumn(name = "Cluster", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.cluster")
@AdditionalPrinterColumn(name = "Topic", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.topicName", priority = 1)
@AdditionalPrinterColumn(name = "Partitions", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.partitions")
@AdditionalPrinterColumn(name = "Replicas", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.replicas")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class Topic extends CustomResource<TopicSpec, TopicStatus> implements Namespaced {
}
