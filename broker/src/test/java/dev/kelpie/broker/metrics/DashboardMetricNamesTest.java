package dev.kelpie.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kelpie.broker.server.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every metric name the shipped dashboards and alert rules use is one the code registers: compared with the
 * sample names of a real in-JVM broker's scrape after some produce requests and an error response (every
 * meter exists from then on, most from the start), with a group source bound (the group
 * coordinator's binding registers the same meters). Operator metrics are registered by the operator module,
 * whose names are pinned in {@link #OPERATOR_METRICS}.
 */
class DashboardMetricNamesTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    /**
     * The operator's metrics the dashboards and rules use, as the operator exports them (its
     * {@code OperatorMetrics}); {@code _bucket} of the duration histogram through its SLO buckets.
     */
    static final Set<String> OPERATOR_METRICS = Set.of("kelpie_operator_reconciliations_total",
            "kelpie_operator_reconciliation_failures_total", "kelpie_operator_reconciliation_duration_seconds_bucket",
            "kelpie_operator_pod_restarts_total", "kelpie_operator_resources", "kelpie_operator_leader");
    /** Made by Prometheus itself for every target. */
    static final Set<String> PROMETHEUS_METRICS = Set.of("up");

    private static Set<String> registered;

    @BeforeAll
    static void scrapeALoadedBroker() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("names", 2, (short) 1))).all().get();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        for (int i = 0; i < 20; i++) {
            producer.send(new ProducerRecord<>("names", i % 2, "k", "v" + i)).get();
        }
        assertThatThrownBy(() -> BROKER.admin().describeTopics(List.of("no-such-topic")).allTopicNames().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        BROKER.server().metrics().bindGroups(() -> CompletableFuture.completedFuture(List.of(
                new GroupStateSource.Group("g", "consumer", "Stable", 1, List.of(
                        new GroupStateSource.PartitionOffset("names", 0, 5, 10, 5))))), 100);
        // Micrometer registers jvm_gc_pause_seconds at the first GC it is notified of; make sure there was one
        System.gc();
        await().atMost(Duration.ofSeconds(10)).until(() -> BROKER.server().metrics().scrape()
                .contains("jvm_gc_pause_seconds_count"));
        registered = sampleNames(BROKER.server().metrics().scrape());
    }

    static Set<String> sampleNames(String scrape) {
        return scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyNameInDashboardsAndRulesIsRegistered() {
        List<String> unknown = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (Dashboards.Query q : allQueries()) {
            for (String name : PromQl.metricNames(q.expr())) {
                used.add(name);
                boolean known = registered.contains(name) || OPERATOR_METRICS.contains(name)
                        || PROMETHEUS_METRICS.contains(name);
                if (!known) {
                    unknown.add(name + " in " + q);
                }
            }
        }
        assertThat(unknown).as("names the code does not register (registered: %s)", registered).isEmpty();
        assertThat(used).as("the dashboards cover the broker's own meters")
                .contains("kelpie_topic_in_bytes_total", "kelpie_request_duration_seconds_bucket",
                        "kelpie_group_lag", "kelpie_log_fsync_duration_seconds_bucket", "jvm_memory_used_bytes")
                .containsAll(OPERATOR_METRICS);
    }

    @Test
    void everyBrokerMeterIsUsedSomewhere() {
        Set<String> used = new HashSet<>();
        allQueries().forEach(q -> used.addAll(PromQl.metricNames(q.expr())));
        Set<String> usedBases = used.stream().map(DashboardMetricNamesTest::base).collect(Collectors.toSet());
        List<String> unused = MetricNames.ALL.stream().map(n -> n.replace('.', '_'))
                .filter(n -> usedBases.stream().noneMatch(u -> u.startsWith(n))).toList();
        assertThat(unused).as("meters no dashboard or rule shows").isEmpty();
    }

    private static String base(String sample) {
        return sample.replaceAll("_(bucket|count|sum|max|total)$", "");
    }

    @Test
    void variableQueriesAreLabelValuesOfRegisteredNames() {
        for (Dashboards.Query q : Dashboards.variableQueries()) {
            String selector = PromQl.labelValuesSelector(q.expr());
            assertThat(selector).as(q.toString()).isNotNull();
            assertThat(PromQl.metricNames(selector)).as(q.toString()).isNotEmpty()
                    .allMatch(n -> registered.contains(n) || OPERATOR_METRICS.contains(n));
        }
    }

    @Test
    void dashboardsHaveTheVariablesAndUseTheDatasourceVariable() {
        List<Path> files = Dashboards.dashboardFiles();
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
                "kelpie-cluster-overview.json", "kelpie-topics.json", "kelpie-consumer-groups.json",
                "kelpie-operator.json");
        Map<String, List<String>> expected = Map.of(
                "kelpie-cluster-overview", List.of("datasource", "namespace", "cluster"),
                "kelpie-topics", List.of("datasource", "namespace", "cluster", "topic"),
                "kelpie-consumer-groups", List.of("datasource", "namespace", "cluster", "group", "topic"),
                "kelpie-operator", List.of("datasource", "namespace", "kind"));
        for (Path file : files) {
            JsonNode board = Dashboards.read(file);
            String uid = board.path("uid").asText();
            List<String> variables = new ArrayList<>();
            board.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            assertThat(variables).as(uid).containsExactlyElementsOf(expected.get(uid));
            assertThat(board.path("schemaVersion").asInt()).as(uid).isGreaterThanOrEqualTo(36);
            for (JsonNode panel : board.path("panels")) {
                if (!panel.path("type").asText().equals("row")) {
                    assertThat(panel.path("datasource").path("uid").asText()).as(uid + " " + panel.path("title"))
                            .isEqualTo("${datasource}");
                    assertThat(panel.path("targets")).as(uid + " " + panel.path("title")).isNotEmpty();
                }
            }
        }
    }

    @Test
    void theRulesCoverTheRequiredAlerts() {
        assertThat(Dashboards.ruleQueries()).extracting(Dashboards.Query::title).contains("KelpieBrokerDown",
                "KelpieUnderReplicatedPartitions", "KelpieOfflinePartitions", "KelpieDiskNearlyFull",
                "KelpieConsumerLagGrowing", "KelpieOperatorReconcileFailures");
    }

    @Test
    void promQlNamesSkipFunctionsLabelsAndKeywords() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (api, le) (rate(a_bucket{x=~\"$v\", "
                + "y=\"}b\"}[$__rate_interval])))")).containsExactly("a_bucket");
        assertThat(PromQl.metricNames("(up == 0) and on (job, instance) max by (job) (max_over_time(c[1d]))"))
                .containsExactly("c", "up");
        assertThat(PromQl.metricNames("100 * (1 - d / e) > 0.15 or vector(0)")).containsExactly("d", "e");
        assertThat(PromQl.metricNames("deriv(sum by (g) (f)[10m:1m]) > bool 1e3")).containsExactly("f");
        assertThat(PromQl.labelValuesSelector("label_values(m{n=~\"$a\"}, cluster)")).isEqualTo("m{n=~\"$a\"}");
        assertThat(PromQl.substitute("x{a=~\"$a\", b=~\"${b:regex}\"}[$__rate_interval]",
                Map.of("a", ".*", "b", "t", "__rate_interval", "10s"))).isEqualTo("x{a=~\".*\", b=~\"t\"}[10s]");
    }

    private static List<Dashboards.Query> allQueries() {
        List<Dashboards.Query> all = new ArrayList<>(Dashboards.panelQueries());
        all.addAll(Dashboards.ruleQueries());
        assertThat(all).hasSizeGreaterThan(50);
        return Stream.concat(all.stream(), Dashboards.variableQueries().stream()
                .map(q -> new Dashboards.Query(q.source(), q.title(), PromQl.labelValuesSelector(q.expr()))))
                .toList();
    }
}
