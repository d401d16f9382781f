package dev.kelpie.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.kelpie.broker.it.DashboardCheck;
import dev.kelpie.broker.it.PrometheusProcess;
import dev.kelpie.broker.metrics.Dashboards;
import dev.kelpie.broker.metrics.PromQl;
import dev.kelpie.operator.TestClusters;
import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import dev.kelpie.operator.cluster.FakeStatefulSetController;
import dev.kelpie.operator.model.OperatorDefaults;
import dev.kelpie.operator.runtime.KelpieOperator;
import dev.kelpie.operator.runtime.OperatorSettings;
import dev.kelpie.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Operator dashboard and the operator's alert rules against a real Prometheus scraping a running
 * operator: {@link KelpieOperator} in this JVM, reconciling against fabric8's mock API server (CRUD mode, with
 * {@link FakeStatefulSetController} playing the StatefulSet controller). It reconciles a Cluster that becomes
 * ready and then rolls its pod for a config change, a Topic whose Cluster does not exist (a status
 * condition, not a failure), and a Cluster whose ServiceAccount name is taken by one the operator does not
 * manage (the API server refuses the create, so its reconciles fail and are retried). Then every operator
 * query ({@link Dashboards#isOperator}: the Operator dashboard's panels and variables, and the operator's
 * rules) returns at least one series, and the reconcile-failure alert is pending. The broker's
 * {@code MetricsIT} checks every other query.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorMetricsIT {
    private static final String NS = "test";
    private static final String OPERATOR_DASHBOARD = "kelpie-operator";
    private static final String FAILURE_ALERT = "KelpieOperatorReconcileFailures";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Grafana's "All" for the dashboard's variables; the rate window holds ten 1 s scrapes. */
    private static final Map<String, String> VARIABLES = Map.of("namespace", ".*", "kind", ".*",
            "__rate_interval", "10s", "__interval", "5s", "__range", "1m");

    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void everyOperatorQueryHasDataAndTheFailureAlertIsPending() throws Exception {
        long startNs = System.nanoTime();
        client.load(getClass().getResourceAsStream("/META-INF/fabric8/clusters.kelpie.dev-v1.yml")).create();
        client.load(getClass().getResourceAsStream("/META-INF/fabric8/topics.kelpie.dev-v1.yml")).create();
        OperatorSettings settings = new OperatorSettings(Set.of(NS), 0, false, "kelpie-operator", null,
                "operator-it", new OperatorDefaults("kelpie/broker", "0.1.0"));
        try (KelpieOperator operator = KelpieOperator.start(settings, client, o -> o
                        .withCloseClientOnStop(false)
                        .withUseSSAToPatchPrimaryResource(false)
                        .withSSABasedCreateUpdateMatchForDependentResources(false), () -> { });
                PrometheusProcess prometheus = PrometheusProcess.start(dir, "kelpie-operator",
                        List.of("127.0.0.1:" + operator.httpPort()), List.of(Dashboards.RULES))) {
            await("first scrape").atMost(TIMEOUT).until(() -> prometheus.value("up") == 1);
            log(startNs, "operator and prometheus started");
            readyClusterRollsItsPodForAConfigChange();
            log(startNs, "pod restarted");
            client.resource(topic("orphan", "missing")).create();
            client.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder()
                    .withNewMetadata().withName("locked").endMetadata().build()).create();
            client.resource(cluster("locked")).create();
            // the gauges must outlive a GC (Micrometer holds a gauge's state weakly unless told otherwise)
            System.gc();
            awaitScrapesWithData(prometheus);
            log(startNs, "scrapes with data");
            checkDashboard(prometheus);
            checkRules(prometheus);
            log(startNs, "dashboard and rules checked");
            assertThat(readyCondition("locked").getReason()).isEqualTo("ReconcileFailed");
        }
    }

    private static void log(long startNs, String what) {
        System.out.println("OperatorMetricsIT +" + (System.nanoTime() - startNs) / 1_000_000 + " ms: " + what);
    }

    /** Cluster kc1 with its one pod ready; a config change has the rolling restart delete and recreate it. */
    private void readyClusterRollsItsPodForAConfigChange() {
        client.resource(cluster("kc1")).create();
        FakeStatefulSetController sts = new FakeStatefulSetController(client, NS, "kc1");
        await("StatefulSet").atMost(TIMEOUT).until(() -> sts.statefulSet() != null);
        sts.syncAllReady();
        await("kc1 ready").atMost(TIMEOUT).until(() -> "True".equals(readyCondition("kc1").getStatus()));
        String podUid = sts.pod(0).getMetadata().getUid();

        client.resources(Cluster.class).inNamespace(NS).withName("kc1").edit(c -> {
            c.getSpec().setConfig(Map.of("log.retention.ms", new IntNode(3_600_000)));
            return c;
        });
        await("pod restarted").atMost(TIMEOUT).until(() -> sts.pod(0) == null);
        sts.syncAllReady();
        assertThat(sts.pod(0).getMetadata().getUid()).isNotEqualTo(podUid);
        await("kc1 ready again").atMost(TIMEOUT).until(() -> "True".equals(readyCondition("kc1").getStatus()));
    }

    /**
     * Scrapes show both kinds reconciled, the restart, the three managed resources and failures still rising,
     * over enough scrapes for the rate windows.
     */
    private static void awaitScrapesWithData(PrometheusProcess prometheus) {
        String failuresRising = Dashboards.ruleQueries().stream().filter(q -> q.title().equals(FAILURE_ALERT))
                .findFirst().orElseThrow().expr();
        await("scrapes with data").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.value("count_over_time(kelpie_operator_leader[1m])") >= 5
                        && prometheus.value("count(kelpie_operator_reconciliations_total)") == 2
                        && prometheus.value("sum(kelpie_operator_pod_restarts_total{kind=\"Cluster\"})") >= 1
                        && prometheus.value("sum(kelpie_operator_resources)") == 3
                        && prometheus.query(failuresRising).path("data").path("result").size() > 0);
    }

    private static void checkDashboard(PrometheusProcess prometheus) {
        List<Dashboards.Query> queries = Dashboards.panelAndVariableQueries().stream()
                .filter(Dashboards::isOperator).toList();
        assertThat(queries).as("the operator's queries are the Operator dashboard's, all of them")
                .allMatch(q -> q.source().equals(OPERATOR_DASHBOARD))
                .containsExactlyInAnyOrderElementsOf(Dashboards.panelAndVariableQueries().stream()
                        .filter(q -> q.source().equals(OPERATOR_DASHBOARD)).toList())
                .hasSizeGreaterThanOrEqualTo(13);
        int withData = DashboardCheck.assertEveryQueryHasData(prometheus, queries, VARIABLES, Map.of());
        assertThat(withData).isEqualTo(queries.size());
        System.out.println("Checked " + queries.size() + " operator dashboard queries; " + withData + " with data");

        assertThat(panelValue(prometheus, "Leader")).isEqualTo(1);
        assertThat(panelValue(prometheus, "Managed resources")).isEqualTo(3);
        assertThat(panelValue(prometheus, "Reconciliations (1h)")).isGreaterThanOrEqualTo(3);
        assertThat(panelValue(prometheus, "Failures (1h)")).isPositive();
        assertThat(panelValue(prometheus, "Pod restarts (1h)")).isGreaterThanOrEqualTo(1);
    }

    /** The value of the panel's (first) query, as the dashboard shows it with every kind. */
    private static double panelValue(PrometheusProcess prometheus, String title) {
        String expr = Dashboards.panelQueries().stream()
                .filter(q -> q.source().equals(OPERATOR_DASHBOARD) && q.title().equals(title))
                .findFirst().orElseThrow(() -> new AssertionError("no panel " + title)).expr();
        return prometheus.value(PromQl.substitute(expr, VARIABLES));
    }

    /** Every rule evaluates; the operator's return the failing kind, and their alert is pending. */
    private static void checkRules(PrometheusProcess prometheus) {
        DashboardCheck.assertEveryRuleEvaluates(prometheus);
        List<Dashboards.Query> operatorRules = Dashboards.ruleQueries().stream().filter(Dashboards::isOperator)
                .toList();
        assertThat(operatorRules).extracting(Dashboards.Query::title).containsExactly(FAILURE_ALERT);
        for (Dashboards.Query rule : operatorRules) {
            JsonNode result = prometheus.query(rule.expr()).path("data").path("result");
            assertThat(result).as(rule.toString()).hasSize(1);
            assertThat(result.get(0).path("metric").path("kind").asText()).isEqualTo("Cluster");
        }
        // "for: 15m": pending, the same in Prometheus' own evaluation
        await("alert pending").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(DashboardCheck.alerts(prometheus)).singleElement().satisfies(a -> {
                    assertThat(a.path("labels").path("alertname").asText()).isEqualTo(FAILURE_ALERT);
                    assertThat(a.path("labels").path("kind").asText()).isEqualTo("Cluster");
                    assertThat(a.path("state").asText()).isEqualTo("pending");
                }));
    }

    private Condition readyCondition(String cluster) {
        Cluster c = client.resources(Cluster.class).inNamespace(NS).withName(cluster).get();
        Condition ready = c == null || c.getStatus() == null ? null
                : Conditions.find(c.getStatus().getConditions(), Conditions.READY);
        return ready != null ? ready : new Condition();
    }

    private static Cluster cluster(String name) {
        return TestClusters.cluster(NS, name, 1);
    }

    private static Topic topic(String name, String cluster) {
        Topic topic = new Topic();
        topic.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        TopicSpec spec = new TopicSpec();
        spec.setCluster(cluster);
        topic.setSpec(spec);
        return topic;
    }
}
