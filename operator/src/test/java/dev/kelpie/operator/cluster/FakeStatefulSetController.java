package dev.kelpie.operator.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.UUID;

/**
 * Plays Kubernetes' StatefulSet controller and kubelet against the mock API server, which has neither, one
 * explicit step at a time so that tests decide when pods appear and become ready. Public for the operator's
 * {@code OperatorMetricsIT}. Thread-safety: for the test thread.
 */
public final class FakeStatefulSetController {

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public FakeStatefulSetController(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    public StatefulSet statefulSet() {
        return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    }

    /**
     * Creates missing pods from the current template (not ready), deletes pods beyond {@code replicas}, and
     * writes the StatefulSet's status.
     */
    public void sync() {
        StatefulSet sts = statefulSet();
        int replicas = sts.getSpec().getReplicas();
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            if (pod(ordinal) == null) {
                createPod(sts, ordinal);
            }
        }
        for (Pod pod : pods()) {
            if (ordinal(pod) >= replicas) {
                client.pods().resource(pod).delete();
            }
        }
        writeStatus();
    }

    public void setReady(int ordinal, boolean ready) {
        Pod pod = pod(ordinal);
        client.pods().resource(pod).editStatus(p -> new PodBuilder(p).editOrNewStatus()
                .withPhase("Running")
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
                        .build())
                .endStatus().build());
        writeStatus();
    }

    /** Creates missing pods and makes every pod ready. */
    public void syncAllReady() {
        sync();
        for (Pod pod : pods()) {
            setReady(ordinal(pod), true);
        }
    }

    public Pod pod(int ordinal) {
        return client.pods().inNamespace(namespace).withName(name + "-" + ordinal).get();
    }

    public List<Pod> pods() {
        return client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getMetadata().getName().startsWith(name + "-"))
                .toList();
    }

    public int ordinal(Pod pod) {
        return Integer.parseInt(pod.getMetadata().getName().substring(name.length() + 1));
    }

    private void createPod(StatefulSet sts, int ordinal) {
        var template = sts.getSpec().getTemplate();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                    .withName(name + "-" + ordinal)
                    .withNamespace(namespace)
                    .withUid(UUID.randomUUID().toString())
                    .withLabels(template.getMetadata().getLabels())
                    .withAnnotations(template.getMetadata().getAnnotations())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        client.pods().resource(pod).create();
        setReady(ordinal, false);
    }

    private void writeStatus() {
        List<Pod> pods = pods();
        int ready = (int) pods.stream().filter(FakeStatefulSetController::isReady).count();
        client.apps().statefulSets().inNamespace(namespace).withName(name).editStatus(s -> {
            s.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatus());
            s.getStatus().setReplicas(pods.size());
            s.getStatus().setReadyReplicas(ready);
            s.getStatus().setAvailableReplicas(ready);
            return s;
        });
    }

    static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
