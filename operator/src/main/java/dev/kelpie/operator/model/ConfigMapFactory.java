package dev.kelpie.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Map;

/** The ConfigMap holding the brokers' shared {@code server.properties}. */
public final class ConfigMapFactory {

    private ConfigMapFactory() {
    }

    public static ConfigMap configMap(ResolvedSpec spec) {
        ClusterNames names = spec.names();
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(names.configMap())
                    .withNamespace(names.namespace())
                    .withLabels(ClusterLabels.all(names.cluster()))
                .endMetadata()
                .withData(Map.of(BrokerCommand.CONFIG_FILE, spec.brokerProperties()))
                .build();
    }
}
