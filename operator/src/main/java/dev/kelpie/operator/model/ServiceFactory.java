package dev.kelpie.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.List;

/** The two Services of a Cluster: per-pod DNS names, and one address for clients to bootstrap from. */
public final class ServiceFactory {

    private ServiceFactory() {
    }

    /**
     * Gives every pod a stable name. It publishes pods before they are ready: voters must find each other
     * to form the quorum that makes them ready.
     */
    public static Service headless(ResolvedSpec spec) {
        List<ServicePort> ports = listenerPorts(spec);
        ports.add(port("controller", BrokerPorts.CONTROLLER_PORT));
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(spec.names().headlessService())
                    .withNamespace(spec.names().namespace())
                    .withLabels(ClusterLabels.all(spec.names().cluster()))
                .endMetadata()
                .withNewSpec()
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(ClusterLabels.selector(spec.names().cluster()))
                    .withPorts(ports)
                .endSpec()
                .build();
    }

    /** The address in {@code status.bootstrapServers}: ready brokers only. */
    public static Service bootstrap(ResolvedSpec spec) {
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(spec.names().bootstrapService())
                    .withNamespace(spec.names().namespace())
                    .withLabels(ClusterLabels.all(spec.names().cluster()))
                .endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(ClusterLabels.selector(spec.names().cluster()))
                    .withPorts(listenerPorts(spec))
                .endSpec()
                .build();
    }

    private static List<ServicePort> listenerPorts(ResolvedSpec spec) {
        List<ServicePort> ports = new ArrayList<>();
        spec.listeners().forEach(l -> ports.add(port(l.name(), l.port())));
        return ports;
    }

    private static ServicePort port(String name, int port) {
        return new ServicePortBuilder()
                .withName(name)
                .withProtocol("TCP")
                .withPort(port)
                .withTargetPort(new IntOrString(name))
                .build();
    }
}
