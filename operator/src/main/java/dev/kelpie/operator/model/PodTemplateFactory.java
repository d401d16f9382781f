package dev.kelpie.operator.model;

import dev.kelpie.operator.api.JvmOptions;
import dev.kelpie.operator.api.PodTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The broker pod. It meets the "restricted" Pod Security Standard: non-root, no privilege escalation, no
 * capabilities, the runtime's seccomp profile, and a read-only root file system whose only writable places
 * are the data volume and an empty {@code /tmp}.
 */
public final class PodTemplateFactory {

    public static final String CONTAINER = "broker";
    /** The image's unprivileged user; also the group that owns the data volume. */
    public static final long BROKER_UID = 65532;
    public static final String DATA_MOUNT = "/var/lib/kelpie";
    static final String METRICS_PORT_NAME = "metrics";
    private static final int TERMINATION_GRACE_SECONDS = 60;
    /** Log recovery after an unclean stop may take minutes; the start-up probe allows ten. */
    private static final int STARTUP_FAILURES_MAX = 120;

    private PodTemplateFactory() {
    }

    /** The pod template without {@link RestartHash#ANNOTATION}, which is computed over it. */
    public static PodTemplateSpec podTemplate(ResolvedSpec spec) {
        PodTemplate user = spec.podTemplate();
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                    .withLabels(labels(spec))
                    .withAnnotations(annotations(spec))
                .endMetadata()
                .withNewSpec()
                    .withServiceAccountName(spec.names().serviceAccount())
                    .withAutomountServiceAccountToken(false)
                    // Service links would add e.g. KELPIE_PORT for a Service named "kelpie": a broker setting.
                    .withEnableServiceLinks(false)
                    .withTerminationGracePeriodSeconds((long) TERMINATION_GRACE_SECONDS)
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(BROKER_UID)
                        .withRunAsGroup(BROKER_UID)
                        .withFsGroup(BROKER_UID)
                        .withFsGroupChangePolicy("OnRootMismatch")
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .withAffinity(user.getAffinity())
                    .withTolerations(user.getTolerations())
                    .withPriorityClassName(user.getPriorityClassName())
                    .withContainers(container(spec))
                    .addNewVolume()
                        .withName("config")
                        .withNewConfigMap().withName(spec.names().configMap()).endConfigMap()
                    .endVolume()
                    .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec()
                .build();
    }

    /** User labels first, so the selector labels win. */
    private static Map<String, String> labels(ResolvedSpec spec) {
        Map<String, String> labels = new TreeMap<>();
        if (spec.podTemplate().getLabels() != null) {
            labels.putAll(spec.podTemplate().getLabels());
        }
        labels.putAll(ClusterLabels.all(spec.names().cluster()));
        return labels;
    }

    private static Map<String, String> annotations(ResolvedSpec spec) {
        Map<String, String> annotations = new TreeMap<>();
        if (spec.podTemplate().getAnnotations() != null) {
            annotations.putAll(spec.podTemplate().getAnnotations());
        }
        annotations.remove(RestartHash.ANNOTATION);
        if (spec.metricsEnabled()) {
            annotations.put("prometheus.io/scrape", "true");
            annotations.put("prometheus.io/port", Integer.toString(spec.metricsPort()));
            annotations.put("prometheus.io/path", "/metrics");
        }
        return annotations;
    }

    private static Container container(ResolvedSpec spec) {
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.image())
                .withCommand(BrokerCommand.command(spec))
                .withEnv(env(spec))
                .withPorts(ports(spec))
                .withResources(spec.resources())
                .withStartupProbe(httpProbe("/healthz", 5, 3, STARTUP_FAILURES_MAX))
                .withLivenessProbe(httpProbe("/healthz", 10, 5, 3))
                .withReadinessProbe(httpProbe("/readyz", 5, 3, 3))
                .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount().withName(StatefulSetFactory.DATA_VOLUME).withMountPath(DATA_MOUNT).endVolumeMount()
                .addNewVolumeMount()
                    .withName("config").withMountPath(BrokerCommand.CONFIG_DIR).withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .build();
    }

    private static List<EnvVar> env(ResolvedSpec spec) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("KELPIE_CLUSTER_ID", spec.clusterId(), null));
        JvmOptions jvm = spec.jvmOptions();
        if (jvm != null) {
            List<String> heap = new ArrayList<>();
            if (jvm.getXms() != null) {
                heap.add("-Xms" + jvm.getXms());
            }
            if (jvm.getXmx() != null) {
                heap.add("-Xmx" + jvm.getXmx());
            }
            if (!heap.isEmpty()) {
                env.add(new EnvVar("KELPIE_HEAP_OPTS", String.join(" ", heap), null));
            }
            if (jvm.getJavaOptions() != null && !jvm.getJavaOptions().isEmpty()) {
                env.add(new EnvVar("KELPIE_JVM_OPTS", String.join(" ", jvm.getJavaOptions()), null));
            }
        }
        return env;
    }

    private static List<ContainerPort> ports(ResolvedSpec spec) {
        List<ContainerPort> ports = new ArrayList<>();
        spec.listeners().forEach(l -> ports.add(port(l.name(), l.port())));
        ports.add(port("controller", BrokerPorts.CONTROLLER_PORT));
        ports.add(port(METRICS_PORT_NAME, spec.metricsPort()));
        return ports;
    }

    private static ContainerPort port(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
    }

    private static Probe httpProbe(String path, int periodSeconds, int timeoutSeconds, int failuresMax) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString(METRICS_PORT_NAME)).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(timeoutSeconds)
                .withFailureThreshold(failuresMax)
                .build();
    }
}
