package dev.kelpie.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kelpie.operator.TestClusters;
import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.events.EventRecorder;
import dev.kelpie.operator.model.ClusterModel;
import dev.kelpie.operator.model.OperatorDefaults;
import dev.kelpie.operator.model.RestartHash;
import dev.kelpie.operator.model.ScaleChanges;
import dev.kelpie.operator.model.SpecProblem;
import dev.kelpie.operator.model.StorageChanges;
import dev.kelpie.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Cluster reconciler running in a real JOSDK Operator against fabric8's mock API server in CRUD mode.
 * The mock has no controllers and no garbage collector: {@link FakeStatefulSetController} plays the
 * StatefulSet controller and kubelet, and deletion is checked through owner references. Server-side apply is
 * off because the mock does not implement it.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterReconcilerTest {

    private static final String NS = "test";
    private static final String NAME = "kc1";
    private static final OperatorDefaults DEFAULTS = new OperatorDefaults("kelpie/broker", "0.1.0");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    KubernetesMockServer server;
    KubernetesClient client;
    private Operator operator;
    private FakeStatefulSetController sts;

    @BeforeEach
    void startOperator() {
        client.load(getClass().getResourceAsStream("/META-INF/fabric8/clusters.kelpie.dev-v1.yml")).create();
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withStopOnInformerErrorDuringStartup(true)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false));
        operator.register(new ClusterReconciler(DEFAULTS, Clock.systemUTC(), new EventRecorder(Clock.systemUTC(),
                "test")), c -> c.settingNamespaces(NS));
        operator.start();
        sts = new FakeStatefulSetController(client, NS, NAME);
    }

    @AfterEach
    void stopOperator() {
        operator.stop();
    }

    @Test
    void createsEveryOwnedResourceWithOwnerReferenceAndBecomesReadyWithItsPods() {
        Cluster cluster = client.resource(cluster(3, Map.of())).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(owned()).allSatisfy(r -> assertThat(r).isNotNull()));
        Cluster created = get();
        ClusterModel model = ClusterModel.of(created, DEFAULTS);
        for (HasMetadata resource : owned()) {
            assertThat(resource.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
                assertThat(ref.getKind()).isEqualTo("Cluster");
                assertThat(ref.getUid()).isEqualTo(cluster.getMetadata().getUid());
                assertThat(ref.getController()).isTrue();
            });
        }
        assertThat(configMap().getData()).isEqualTo(model.configMap().getData());
        assertThat(YAML.asYaml(sts.statefulSet().getSpec())).isEqualTo(YAML.asYaml(model.statefulSet().getSpec()));
        assertThat(client.services().inNamespace(NS).withName("kc1-headless").get().getSpec().getPublishNotReadyAddresses())
                .isTrue();
        awaitReady(false, "PodsNotReady");

        sts.syncAllReady();

        Condition ready = awaitReady(true, "AllPodsReady");
        assertThat(ready.getMessage()).isEqualTo("3 of 3 pods ready");
        Cluster readyCluster = get();
        assertThat(readyCluster.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(readyCluster.getStatus().getObservedGeneration()).isEqualTo(1L);
        assertThat(readyCluster.getStatus().getBootstrapServers()).isEqualTo("kc1-bootstrap.test.svc:9092");
        assertThat(readyCluster.getStatus().getClusterId()).hasSize(22);
        assertThat(eventReasons()).contains("AllPodsReady");
    }

    @Test
    void configChangeUpdatesConfigMapAndRestartsPodsOneAtATime() {
        client.resource(cluster(3, Map.of())).create();
        awaitStatefulSet();
        sts.syncAllReady();
        awaitReady(true, "AllPodsReady");
        String oldHash = sts.statefulSet().getSpec().getTemplate().getMetadata().getAnnotations().get(RestartHash.ANNOTATION);
        List<String> deleted = new CopyOnWriteArrayList<>();

        Watch watch = client.pods().inNamespace(NS).watch(new DeletionRecorder(deleted));
        try {
            edit(c -> c.getSpec().setConfig(Map.of("log.retention.ms", new IntNode(3_600_000))));

            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(configMap().getData().get("server.properties")).contains("log.retention.ms=3600000"));
            String newHash = ClusterModel.of(get(), DEFAULTS).restartHash();
            assertThat(newHash).isNotEqualTo(oldHash);
            await().atMost(TIMEOUT).until(() -> newHash.equals(
                    sts.statefulSet().getSpec().getTemplate().getMetadata().getAnnotations().get(RestartHash.ANNOTATION)));

            for (int restart = 1; restart <= 3; restart++) {
                int expectedDeletions = restart;
                await().atMost(TIMEOUT).until(() -> deleted.size() >= expectedDeletions);
                assertOnlyOnePodDown(expectedDeletions);
                // Recreated from the new template but not ready yet: nothing else may be restarted meanwhile.
                sts.sync();
                await().during(Duration.ofMillis(400)).atMost(TIMEOUT)
                        .until(() -> deleted.size() == expectedDeletions);
                int recreated = sts.ordinal(client.pods().inNamespace(NS).withName(deleted.get(restart - 1)).get());
                sts.setReady(recreated, true);
            }

            awaitReady(true, "AllPodsReady");
            assertThat(deleted).containsExactly("kc1-2", "kc1-1", "kc1-0");
            assertThat(sts.pods()).allSatisfy(p ->
                    assertThat(p.getMetadata().getAnnotations()).containsEntry(RestartHash.ANNOTATION, newHash));
            assertThat(eventReasons()).filteredOn("PodOutOfDate"::equals).hasSize(3);
        } finally {
            watch.close();
        }
    }

    @Test
    void replicasChangeScalesTheStatefulSetWithoutRestarts() {
        client.resource(cluster(3, Map.of())).create();
        awaitStatefulSet();
        sts.syncAllReady();
        awaitReady(true, "AllPodsReady");
        String configBefore = configMap().getData().get("server.properties");

        edit(c -> c.getSpec().setReplicas(5));
        await().atMost(TIMEOUT).until(() -> sts.statefulSet().getSpec().getReplicas() == 5);
        awaitReady(false, "PodsNotReady");
        sts.syncAllReady();
        awaitReady(true, "AllPodsReady");
        assertThat(sts.pods()).hasSize(5);
        assertThat(configMap().getData().get("server.properties")).as("voters stay the first three")
                .isEqualTo(configBefore);

        edit(c -> c.getSpec().setReplicas(3));
        await().atMost(TIMEOUT).until(() -> sts.statefulSet().getSpec().getReplicas() == 3);
        sts.sync();
        awaitReady(true, "AllPodsReady");
        assertThat(sts.pods()).hasSize(3);
        assertThat(get().getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(warningReasons()).as("the warning lasts while the StatefulSet catches up").isEmpty();
        assertThat(eventReasons()).contains(ScaleChanges.SCALE_DOWN).doesNotContain("PodOutOfDate");
    }

    @Test
    void scalingPastOneBrokerChangesTheQuorumAndRestartsTheFirstPodLast() {
        client.resource(cluster(1, Map.of())).create();
        awaitStatefulSet();
        sts.syncAllReady();
        awaitReady(true, "AllPodsReady");
        List<String> deleted = new CopyOnWriteArrayList<>();
        Watch watch = client.pods().inNamespace(NS).watch(new DeletionRecorder(deleted));
        try {
            edit(c -> c.getSpec().setReplicas(3));

            await().atMost(TIMEOUT).until(() -> sts.statefulSet().getSpec().getReplicas() == 3);
            assertThat(configMap().getData().get("server.properties")).contains(
                    "controller.quorum.voters=0@kc1-0.kc1-headless.test.svc:9093,1@kc1-1.kc1-headless.test.svc:9093,"
                            + "2@kc1-2.kc1-headless.test.svc:9093");
            await().atMost(TIMEOUT).until(() -> eventReasons().contains(ScaleChanges.QUORUM_VOTERS_CHANGE));
            sts.sync();
            await().during(Duration.ofMillis(400)).atMost(TIMEOUT).until(deleted::isEmpty);
            sts.setReady(1, true);
            sts.setReady(2, true);

            await().atMost(TIMEOUT).until(() -> deleted.equals(List.of("kc1-0")));
            sts.sync();
            sts.setReady(0, true);
            awaitReady(true, "AllPodsReady");
            assertThat(deleted).containsExactly("kc1-0");
        } finally {
            watch.close();
        }
    }

    @Test
    void forbiddenConfigKeyIsRefusedWithNothingApplied() {
        client.resource(cluster(3, Map.of("node.id", new IntNode(7), "log.retention.ms", new TextNode("1000"))))
                .create();

        Condition ready = awaitReady(false, SpecProblem.INVALID_SPEC);
        assertThat(ready.getMessage()).contains("node.id");
        assertThat(warningReasons()).containsExactly(SpecProblem.FORBIDDEN_CONFIG_KEY);
        assertThat(owned()).allSatisfy(r -> assertThat(r).isNull());
        assertThat(get().getStatus().getObservedGeneration()).isEqualTo(1L);
        await().atMost(TIMEOUT).until(() -> eventReasons().contains(SpecProblem.FORBIDDEN_CONFIG_KEY));

        edit(c -> c.getSpec().setConfig(Map.of("log.retention.ms", new TextNode("1000"))));

        awaitStatefulSet();
        awaitReady(false, "PodsNotReady");
        assertThat(warningReasons()).isEmpty();
        assertThat(owned()).allSatisfy(r -> assertThat(r).isNotNull());
    }

    @Test
    void invalidChangeLeavesTheRunningClusterUntouched() {
        client.resource(cluster(3, Map.of())).create();
        awaitStatefulSet();
        sts.syncAllReady();
        awaitReady(true, "AllPodsReady");
        StatefulSet before = sts.statefulSet();
        String configBefore = configMap().getData().get("server.properties");

        edit(c -> c.getSpec().setReplicas(0));

        Condition ready = awaitReady(false, SpecProblem.INVALID_SPEC);
        assertThat(ready.getMessage()).contains("spec.replicas must be at least 1, got 0");
        assertThat(warningReasons()).containsExactly(SpecProblem.INVALID_REPLICAS);
        assertThat(get().getStatus().getObservedGeneration()).isEqualTo(2L);
        assertThat(sts.statefulSet().getSpec()).isEqualTo(before.getSpec());
        assertThat(configMap().getData().get("server.properties")).isEqualTo(configBefore);
        assertThat(sts.pods()).hasSize(3);
    }

    @Test
    void unsafeReplicationFactorIsAWarningButTheSpecIsApplied() {
        client.resource(cluster(1, Map.of("default.replication.factor", new IntNode(3)))).create();

        awaitStatefulSet();
        sts.syncAllReady();
        awaitReady(true, "AllPodsReady");
        assertThat(warningReasons()).containsExactly(SpecProblem.UNSAFE_REPLICATION_FACTOR);
        assertThat(configMap().getData().get("server.properties")).contains("default.replication.factor=3");
        assertThat(eventReasons()).contains(SpecProblem.UNSAFE_REPLICATION_FACTOR);
    }

    @Test
    void storageChangeIsReportedAndNotApplied() {
        client.resource(cluster(1, Map.of())).create();
        awaitStatefulSet();
        sts.syncAllReady();
        awaitReady(true, "AllPodsReady");

        edit(c -> c.getSpec().getStorage().setSize("2Gi"));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(warningReasons())
                .containsExactly(StorageChanges.STORAGE_CHANGE_NOT_SUPPORTED));
        awaitReady(true, "AllPodsReady");
        assertThat(sts.statefulSet().getSpec().getVolumeClaimTemplates()).singleElement()
                .satisfies(claim -> assertThat(claim.getSpec().getResources().getRequests().get("storage"))
                        .hasToString("1Gi"));
    }

    @Test
    void deletingTheClusterLeavesOwnedResourcesToTheGarbageCollector() {
        client.resource(cluster(1, Map.of())).create();
        awaitStatefulSet();
        assertThat(get().getMetadata().getFinalizers()).as("nothing to clean up by hand").isNullOrEmpty();

        client.resource(get()).delete();

        await().atMost(TIMEOUT).until(() -> get() == null);
        // The mock has no garbage collector; in Kubernetes these go with their owner.
        assertThat(owned()).allSatisfy(r -> assertThat(r.getMetadata().getOwnerReferences())
                .anySatisfy(ref -> assertThat(ref.getName()).isEqualTo(NAME)));
    }

    private void assertOnlyOnePodDown(int deletions) {
        List<Pod> pods = sts.pods();
        assertThat(pods).as("after deletion %d exactly one pod is missing", deletions).hasSize(2);
        assertThat(pods).as("the others are ready").allMatch(FakeStatefulSetController::isReady);
    }

    private static Cluster cluster(int replicas, Map<String, JsonNode> config) {
        Cluster cluster = TestClusters.cluster(NS, NAME, replicas);
        cluster.getSpec().setConfig(new HashMap<>(config));
        return cluster;
    }

    private Cluster get() {
        return client.resources(Cluster.class).inNamespace(NS).withName(NAME).get();
    }

    private void edit(Consumer<Cluster> change) {
        client.resources(Cluster.class).inNamespace(NS).withName(NAME).edit(c -> {
            change.accept(c);
            return c;
        });
    }

    private void awaitStatefulSet() {
        await().atMost(TIMEOUT).until(() -> sts.statefulSet() != null);
    }

    private Condition awaitReady(boolean status, String reason) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Cluster c = get();
            assertThat(c.getStatus()).isNotNull();
            Condition ready = Conditions.find(c.getStatus().getConditions(), Conditions.READY);
            assertThat(ready).isNotNull();
            assertThat(ready.getStatus()).as("Ready %s: %s", ready.getReason(), ready.getMessage())
                    .isEqualTo(status ? "True" : "False");
            assertThat(ready.getReason()).isEqualTo(reason);
            assertThat(c.getStatus().getObservedGeneration()).isEqualTo(c.getMetadata().getGeneration());
        });
        return Conditions.find(get().getStatus().getConditions(), Conditions.READY);
    }

    private List<String> warningReasons() {
        return get().getStatus().getConditions().stream().filter(c -> Conditions.WARNING.equals(c.getType()))
                .map(Condition::getReason).toList();
    }

    private List<String> eventReasons() {
        return client.v1().events().inNamespace(NS).list().getItems().stream().map(Event::getReason).toList();
    }

    private ConfigMap configMap() {
        return client.configMaps().inNamespace(NS).withName("kc1-config").get();
    }

    /** The six owned resources, null where missing. */
    private List<HasMetadata> owned() {
        return Arrays.<HasMetadata>asList(
                client.serviceAccounts().inNamespace(NS).withName(NAME).get(),
                configMap(),
                client.services().inNamespace(NS).withName("kc1-headless").get(),
                client.services().inNamespace(NS).withName("kc1-bootstrap").get(),
                sts.statefulSet(),
                client.policy().v1().podDisruptionBudget().inNamespace(NS).withName(NAME).get());
    }

    /** Records the names of deleted pods, in order. */
    private record DeletionRecorder(List<String> deleted) implements Watcher<Pod> {
        @Override
        public void eventReceived(Action action, Pod pod) {
            if (action == Action.DELETED) {
                deleted.add(pod.getMetadata().getName());
            }
        }

        @Override
        public void onClose(WatcherException cause) {
        }
    }
}
