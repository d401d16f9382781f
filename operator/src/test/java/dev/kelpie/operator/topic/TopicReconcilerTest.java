package dev.kelpie.operator.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.server.BrokerServer;
import dev.kelpie.operator.TestClusters;
import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import dev.kelpie.operator.events.EventRecorder;
import dev.kelpie.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Topic reconciler in a real JOSDK Operator against fabric8's mock API server (CRUD mode, server-side
 * apply off), talking to a real Kelpie broker started in this JVM. One broker, one mock API server and one
 * Operator serve the whole class, to keep it fast; every test manages its own topic, named after the test,
 * so the tests do not see each other's topics.
 */
@EnableKubernetesMockClient(crud = true)
class TopicReconcilerTest {

    private static final String NS = "test";
    private static final String CLUSTER = "kc1";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Short, so that drift is reverted within a test; the production default is minutes. */
    private static final TopicSettings SETTINGS = new TopicSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(5));

    @TempDir
    static Path logDir;
    private static BrokerServer broker;
    private static Admin kafka;

    static KubernetesMockServer server;
    static KubernetesClient client;
    private static Operator operator;
    private static TopicReconciler reconciler;
    private static final ReconcileCounter COUNTER = new ReconcileCounter();
    private String name;

    @BeforeAll
    static void start() {
        BrokerConfig base = BrokerConfig.embeddedDefault();
        BrokerConfig config = new BrokerConfig(base.nodeId(), "127.0.0.1", 0, "127.0.0.1", 0, List.of(logDir), 0, 1,
                (short) 1, false, LogConfig.defaults(), base.socketRequestBytesMax(), base.connectionsIdleMsMax(),
                base.requestReadTimeoutMs(), base.connectionsMax(), base.connectionsPerIpMax(),
                base.inFlightRequestsPerConnectionMax(), 2, base.producerIdExpirationMs());
        broker = new BrokerServer(config, "C516XB4vSjuMTV5veoucDQ", Clock.SYSTEM);
        broker.start();
        kafka = Admin.create(AdminClients.clientProperties(bootstrap(), Duration.ofSeconds(10)));

        client.load(TopicReconcilerTest.class.getResourceAsStream("/META-INF/fabric8/clusters.kelpie.dev-v1.yml"))
                .create();
        client.load(TopicReconcilerTest.class.getResourceAsStream("/META-INF/fabric8/topics.kelpie.dev-v1.yml"))
                .create();
        client.resource(cluster(CLUSTER)).create();
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                .withStopOnInformerErrorDuringStartup(true)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withMetrics(COUNTER));
        java.time.Clock clock = java.time.Clock.systemUTC();
        reconciler = new TopicReconciler(cluster -> bootstrap(), SETTINGS, AdminClients.withTimeout(
                SETTINGS.adminCallTimeout()), clock, new EventRecorder(clock, "test"));
        operator.register(reconciler, c -> c.settingNamespaces(NS));
        operator.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            operator.stop();
            reconciler.close();
            assertThat(reconciler.adminClientClusters()).as("closed when the operator stops").isEmpty();
        } finally {
            kafka.close();
            broker.close();
        }
    }

    private static String bootstrap() {
        return "127.0.0.1:" + broker.boundPort();
    }

    @BeforeEach
    void nameTheTopic(TestInfo test) {
        name = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
    }

    /** Leaves nothing for the drift checks of later tests. */
    @AfterEach
    void deleteTheTopic() {
        client.resources(Topic.class).inNamespace(NS).withName(name).delete();
    }

    @Test
    void createsTheTopicWithItsConfigs() throws Exception {
        Topic created = client.resource(topic(3, Map.of("retention.ms", new IntNode(3_600_000),
                "cleanup.policy", new TextNode("compact")))).create();

        Condition ready = awaitReady(true, TopicOutcome.REASON_IN_SYNC);
        assertThat(ready.getMessage()).isEqualTo("topic " + name + ": 3 partitions, replication factor 1, 2 configs set");
        TopicDescription description = describe();
        assertThat(description.partitions()).hasSize(3);
        assertThat(topicConfigs()).isEqualTo(Map.of("retention.ms", "3600000", "cleanup.policy", "compact"));
        Topic topic = get();
        assertThat(topic.getStatus().getTopicId()).isEqualTo(description.topicId().toString());
        assertThat(topic.getStatus().getTopicName()).isEqualTo(name);
        assertThat(topic.getStatus().getPartitions()).isEqualTo(3);
        assertThat(topic.getStatus().getReplicas()).isEqualTo(1);
        assertThat(topic.getStatus().getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
        assertThat(topic.getMetadata().getFinalizers()).containsExactly(TopicReconciler.FINALIZER);
        assertThat(eventReasons()).contains(TopicReconciler.EVENT_CREATED, TopicOutcome.REASON_IN_SYNC);
        assertThat(reconciler.adminClientClusters()).contains(new ResourceID(CLUSTER, NS));
    }

    @Test
    void specChangesAreApplied() throws Exception {
        client.resource(topic(2, Map.of("retention.ms", new IntNode(3_600_000),
                "cleanup.policy", new TextNode("compact")))).create();
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);

        edit(t -> {
            t.getSpec().setPartitions(5);
            t.getSpec().setConfig(new HashMap<>(Map.of("retention.ms", new IntNode(7_200_000),
                    "max.message.bytes", new IntNode(65_536))));
        });

        await().atMost(TIMEOUT).until(() -> get().getStatus().getObservedGeneration() == 2L
                && "True".equals(readyCondition().getStatus()));
        assertThat(describe().partitions()).hasSize(5);
        assertThat(topicConfigs()).as("cleanup.policy is back to the broker default")
                .isEqualTo(Map.of("retention.ms", "7200000", "max.message.bytes", "65536"));
        assertThat(get().getStatus().getPartitions()).isEqualTo(5);
        assertThat(eventReasons()).contains(TopicReconciler.EVENT_PARTITIONS_ADDED,
                TopicReconciler.EVENT_CONFIGS_APPLIED).doesNotContain(TopicReconciler.EVENT_DRIFT_REVERTED);
    }

    @Test
    void changesMadeBehindTheOperatorsBackAreReverted() throws Exception {
        client.resource(topic(1, Map.of("retention.ms", new IntNode(3_600_000)))).create();
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        kafka.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("max.message.bytes", "12345"), AlterConfigOp.OpType.SET))))
                .all().get(10, TimeUnit.SECONDS);
        assertThat(topicConfigs()).containsEntry("retention.ms", "1000");

        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(topicConfigs()).isEqualTo(Map.of("retention.ms", "3600000")));
        assertThat(eventReasons()).contains(TopicReconciler.EVENT_DRIFT_REVERTED);
        assertThat(readyCondition().getStatus()).isEqualTo("True");
    }

    @Test
    void fewerPartitionsAreNotSupportedWithoutARetryLoop() throws Exception {
        client.resource(topic(4, Map.of())).create();
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);

        edit(t -> t.getSpec().setPartitions(2));

        Condition refused = awaitReady(false, TopicPlanner.NOT_SUPPORTED);
        assertThat(refused.getMessage()).contains("partitions cannot decrease from 4 to 2");
        assertThat(describe().partitions()).hasSize(4);
        int before = reconciles();
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
        assertThat(reconciles() - before).as("one drift check per second, no retry loop").isBetween(1, 5);
        assertThat(failures()).isZero();
        assertThat(eventReasons()).filteredOn(TopicPlanner.NOT_SUPPORTED::equals).hasSize(1);
        assertThat(get().getStatus().getPartitions()).isEqualTo(4);
    }

    @Test
    void renamingIsNotSupported() throws Exception {
        client.resource(topic(1, Map.of())).create();
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);

        edit(t -> t.getSpec().setTopicName(name + "-renamed"));

        Condition refused = awaitReady(false, TopicPlanner.NOT_SUPPORTED);
        assertThat(refused.getMessage()).contains("topicName cannot change from " + name + " to " + name + "-renamed");
        assertThat(kafka.listTopics().names().get(10, TimeUnit.SECONDS)).contains(name)
                .doesNotContain(name + "-renamed");
        assertThat(get().getStatus().getTopicName()).isEqualTo(name);
    }

    @Test
    void aBrokerRefusalIsAConditionNamingTheKafkaErrorAndTheKey() throws Exception {
        client.resource(topic(1, Map.of("retention.ms", new TextNode("forever")))).create();

        Condition refused = awaitReady(false, "InvalidConfig");
        assertThat(refused.getMessage()).contains("retention.ms").contains("forever");
        assertThat(kafka.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(name);
        assertThat(failures()).as("a broker refusal is reported, not thrown").isZero();

        edit(t -> t.getSpec().setConfig(new HashMap<>(Map.of("retention.ms", new IntNode(60_000)))));
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);
        assertThat(topicConfigs()).isEqualTo(Map.of("retention.ms", "60000"));
    }

    @Test
    void anUnknownClusterIsAConditionUntilItAppears() throws Exception {
        Topic topic = topic(1, Map.of());
        topic.getSpec().setCluster("later");
        client.resource(topic).create();

        Condition waiting = awaitReady(false, TopicOutcome.REASON_CLUSTER_NOT_FOUND);
        assertThat(waiting.getMessage()).isEqualTo("Cluster later does not exist in namespace test");
        assertThat(reconciler.adminClientClusters()).doesNotContain(new ResourceID("later", NS));
        assertThat(kafka.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(name);

        client.resource(cluster("later")).create();

        awaitReady(true, TopicOutcome.REASON_IN_SYNC);
        assertThat(describe().partitions()).hasSize(1);
    }

    @Test
    void deletingWithDeletePolicyDeletesTheTopic() throws Exception {
        client.resource(topic(1, Map.of())).create();
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);

        client.resource(get()).delete();

        await().atMost(TIMEOUT).until(() -> get() == null);
        await().atMost(TIMEOUT).until(() -> !kafka.listTopics().names().get(10, TimeUnit.SECONDS).contains(name));
        assertThat(eventReasons()).contains(TopicReconciler.EVENT_DELETED);
    }

    @Test
    void deletingWithRetainPolicyKeepsTheTopic() throws Exception {
        Topic topic = topic(2, Map.of("retention.ms", new IntNode(60_000)));
        topic.getSpec().setDeletionPolicy(TopicSpec.DeletionPolicy.RETAIN);
        client.resource(topic).create();
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);

        client.resource(get()).delete();

        await().atMost(TIMEOUT).until(() -> get() == null);
        assertThat(describe().partitions()).hasSize(2);
        assertThat(topicConfigs()).containsEntry("retention.ms", "60000");
        assertThat(eventReasons()).contains(TopicReconciler.EVENT_RETAINED).doesNotContain(TopicReconciler.EVENT_DELETED);
    }

    @Test
    void aTopicOfADeletedClusterIsReleased() throws Exception {
        client.resource(cluster("doomed")).create();
        Topic topic = topic(1, Map.of());
        topic.getSpec().setCluster("doomed");
        client.resource(topic).create();
        awaitReady(true, TopicOutcome.REASON_IN_SYNC);
        assertThat(reconciler.adminClientClusters()).contains(new ResourceID("doomed", NS));

        client.resources(Cluster.class).inNamespace(NS).withName("doomed").delete();

        awaitReady(false, TopicOutcome.REASON_CLUSTER_NOT_FOUND);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(reconciler.adminClientClusters())
                .as("closed with its Cluster").doesNotContain(new ResourceID("doomed", NS)));

        client.resource(get()).delete();

        await().atMost(TIMEOUT).until(() -> get() == null);
        assertThat(eventReasons()).contains(TopicReconciler.EVENT_RELEASED).doesNotContain(TopicReconciler.EVENT_DELETED);
        assertThat(kafka.listTopics().names().get(10, TimeUnit.SECONDS)).as("the broker was not asked")
                .contains(name);
    }

    private Topic topic(int partitions, Map<String, JsonNode> config) {
        Topic topic = new Topic();
        topic.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        TopicSpec spec = new TopicSpec();
        spec.setCluster(CLUSTER);
        spec.setPartitions(partitions);
        spec.setReplicas(1);
        spec.setConfig(new HashMap<>(config));
        topic.setSpec(spec);
        return topic;
    }

    private static Cluster cluster(String clusterName) {
        return TestClusters.cluster(NS, clusterName, 1);
    }

    private Topic get() {
        return client.resources(Topic.class).inNamespace(NS).withName(name).get();
    }

    private void edit(Consumer<Topic> change) {
        client.resources(Topic.class).inNamespace(NS).withName(name).edit(t -> {
            change.accept(t);
            return t;
        });
    }

    private Condition readyCondition() {
        Topic topic = get();
        return topic == null || topic.getStatus() == null ? null
                : Conditions.find(topic.getStatus().getConditions(), Conditions.READY);
    }

    private Condition awaitReady(boolean status, String reason) {
        String expected = status ? "True" : "False";
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyCondition()).isNotNull()
                .satisfies(c -> assertThat(c.getStatus() + "/" + c.getReason()).as(c.getMessage())
                        .isEqualTo(expected + "/" + reason)));
        return readyCondition();
    }

    private TopicDescription describe() throws Exception {
        return kafka.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name);
    }

    /** The configs set on the topic itself. */
    private Map<String, String> topicConfigs() throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        return kafka.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource).entries()
                .stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
    }

    private List<String> eventReasons() {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
    }

    private int reconciles() {
        return COUNTER.reconciles(name);
    }

    private int failures() {
        return COUNTER.failures(name);
    }

    /** Reconciles and failures per Topic name, as JOSDK reports them. Thread-safe. */
    private static final class ReconcileCounter implements Metrics {
        private final Map<String, AtomicInteger> reconciles = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

        @Override
        public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
            reconciles.computeIfAbsent(resource.getMetadata().getName(), k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
            failures.computeIfAbsent(resource.getMetadata().getName(), k -> new AtomicInteger()).incrementAndGet();
        }

        int reconciles(String topic) {
            return reconciles.getOrDefault(topic, new AtomicInteger()).get();
        }

        int failures(String topic) {
            return failures.getOrDefault(topic, new AtomicInteger()).get();
        }
    }
}
