package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kelpie.broker.metrics.Dashboards;
import dev.kelpie.broker.metrics.PromQl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards and alert rules against a real Prometheus scraping the distribution's broker while a producer
 * and a consumer run: every panel query and every {@code label_values} variable returns at least one series
 * (those empty by design are listed in {@link #EMPTY_BY_DESIGN} with the reason, and must be empty), every
 * alert rule evaluates without error, in the query API and in Prometheus' own rule evaluation, and
 * {@code promtool check rules} passes.
 */
class MetricsIT {
    private static final String TOPIC = "metrics-it";
    private static final Pattern METRICS_URL = Pattern.compile("metrics http://([^/]+)/metrics");
    /** Values for the dashboards' variables, as Grafana's "All" or the test's own topic. */
    private static final String GROUP = "metrics-it-group";
    private static final Map<String, String> VARIABLES = Map.of("namespace", ".*", "cluster", ".*", "topic", TOPIC,
            "group", ".*", "kind", ".*", "__rate_interval", "10s", "__interval", "5s", "__range", "1m");
    /**
     * Queries with no series here, by the prefix of every metric name they select → why. Each such query must
     * be empty (so the list cannot go stale).
     */
    static final Map<String, String> EMPTY_BY_DESIGN = Map.of(
            "kelpie_operator_", "the operator needs a Kubernetes API server, so this test does not run it; its "
                    + "names are pinned in DashboardMetricNamesTest.OPERATOR_METRICS");

    @TempDir
    Path dir;

    @Test
    void everyDashboardQueryHasDataAndEveryRuleEvaluates() throws Exception {
        long startNs = System.nanoTime();
        String metricsAddress = "127.0.0.1:" + BrokerProcess.freePort();
        // Prometheus first: it starts scraping as soon as the broker's port opens
        try (PrometheusProcess prometheus = PrometheusProcess.start(dir, "kelpie", List.of(metricsAddress),
                        List.of(Dashboards.RULES));
                BrokerProcess broker = BrokerProcess.start(dir.resolve("data"), "--override",
                        "kelpie.metrics.port=" + metricsAddress.substring(metricsAddress.indexOf(':') + 1))) {
            log(startNs, "prometheus and broker started");
            assertThat(metricsAddress(broker)).isEqualTo(metricsAddress);
            assertHealthAndReady(metricsAddress);
            broker.createTopic(TOPIC, 3);
            log(startNs, "topic created");
            try (Load load = Load.start(broker.bootstrap())) {
                causeAnErrorResponse(broker.bootstrap());
                awaitScrapesWithTraffic(prometheus, load);
                log(startNs, "scrapes with traffic");
                checkDashboards(prometheus);
                log(startNs, "dashboards checked");
                checkRules(prometheus);
                log(startNs, "rules checked");
            }
            assertThat(broker.stop()).as(broker.output()).isZero();
        }
        log(startNs, "stopped");
        Cli.Result check = Cli.run(Duration.ofSeconds(30), null, List.of(
                Cli.requireOnPath("promtool", "apt-get install prometheus"), "check", "rules",
                Dashboards.RULES.toString())).assertSuccess();
        assertThat(check.stdout()).contains("SUCCESS: " + Dashboards.ruleQueries().size() + " rules found");
    }

    private static void log(long startNs, String what) {
        System.out.println("MetricsIT +" + (System.nanoTime() - startNs) / 1_000_000 + " ms: " + what);
    }

    private static String metricsAddress(BrokerProcess broker) {
        Matcher m = METRICS_URL.matcher(broker.startedLine().orElseThrow());
        assertThat(m.find()).as(broker.startedLine().orElseThrow()).isTrue();
        return m.group(1);
    }

    private static void assertHealthAndReady(String address) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/healthz", "/readyz")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        }
    }

    /** A describe of a missing topic: an error code in a response, so the error panels have a series. */
    private static void causeAnErrorResponse(String bootstrap) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.describeTopics(List.of("no-such-topic")).allTopicNames().get();
            throw new AssertionError("describing a missing topic succeeded");
        } catch (ExecutionException e) {
            assertThat(e).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    /** At least 5 scrapes, the last ones with records going in and out. */
    private static void awaitScrapesWithTraffic(PrometheusProcess prometheus, Load load) {
        await("scrapes with traffic").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500))
                .until(() -> value(prometheus.query("count_over_time(kelpie_broker_info[1m])")) >= 5
                        && value(prometheus.query("sum(rate(kelpie_topic_in_bytes_total[10s]))")) > 0
                        && value(prometheus.query("sum(rate(kelpie_topic_out_bytes_total[10s]))")) > 0
                        // the group has joined and committed for a few scrapes: lag and deriv() have points
                        && value(prometheus.query("max(count_over_time(kelpie_group_committed_offset[1m]))")) >= 3);
        assertThat(load.produced()).isPositive();
        assertThat(load.consumed()).isPositive();
    }

    private static double value(JsonNode answer) {
        JsonNode result = answer.path("data").path("result");
        return result.size() == 0 ? 0 : result.get(0).path("value").get(1).asDouble();
    }

    private static void checkDashboards(PrometheusProcess prometheus) {
        List<Dashboards.Query> queries = new ArrayList<>(Dashboards.panelQueries());
        Dashboards.variableQueries().forEach(v -> queries.add(new Dashboards.Query(v.source(), v.title(),
                PromQl.labelValuesSelector(v.expr()))));
        assertThat(queries).hasSizeGreaterThan(60);
        Map<String, String> problems = new LinkedHashMap<>();
        int withData = 0;
        for (Dashboards.Query q : queries) {
            JsonNode answer = prometheus.query(PromQl.substitute(q.expr(), VARIABLES));
            if (!answer.path("status").asText().equals("success")) {
                problems.put(q.toString(), "error: " + answer.path("error").asText());
                continue;
            }
            int series = answer.path("data").path("result").size();
            String reason = emptyByDesign(q.expr());
            if (reason == null && series == 0) {
                problems.put(q.toString(), "no series");
            } else if (reason != null && series > 0) {
                problems.put(q.toString(), "listed as empty by design (" + reason + ") but has " + series
                        + " series: take it off the list");
            }
            withData += series > 0 ? 1 : 0;
        }
        assertThat(problems).as("dashboard queries").isEmpty();
        System.out.println("Checked " + queries.size() + " dashboard queries; " + withData + " with data");
        assertThat(value(prometheus.query("sum(rate(kelpie_topic_in_messages_total{topic=\"" + TOPIC + "\"}[10s]))")))
                .isPositive();
        assertThat(value(prometheus.query("sum(rate(kelpie_request_duration_seconds_count{api=\"Produce\"}[10s]))")))
                .isPositive();
        assertThat(value(prometheus.query("histogram_quantile(0.99, sum by (le) "
                + "(rate(kelpie_request_duration_seconds_bucket{api=\"Produce\"}[10s])))")))
                .isPositive().isLessThan(30);
    }

    /** The reason when every metric {@code expr} selects has a prefix listed in {@link #EMPTY_BY_DESIGN}. */
    private static String emptyByDesign(String expr) {
        List<String> reasons = PromQl.metricNames(expr).stream().map(name -> EMPTY_BY_DESIGN.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null)).toList();
        return reasons.isEmpty() || reasons.contains(null) ? null : reasons.get(0);
    }

    private static void checkRules(PrometheusProcess prometheus) {
        List<Dashboards.Query> rules = Dashboards.ruleQueries();
        for (Dashboards.Query q : rules) {
            JsonNode answer = prometheus.query(q.expr());
            assertThat(answer.path("status").asText()).as(q + " → " + answer).isEqualTo("success");
        }
        // Prometheus' own evaluation: every rule loaded, evaluated at least once, healthy
        await("rules evaluated").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> loaded = new ArrayList<>();
                    prometheus.getJson("/api/v1/rules").path("data").path("groups")
                            .forEach(g -> g.path("rules").forEach(loaded::add));
                    assertThat(loaded).extracting(r -> r.path("name").asText())
                            .containsExactlyInAnyOrderElementsOf(rules.stream().map(Dashboards.Query::title).toList());
                    assertThat(loaded).allSatisfy(r -> {
                        assertThat(r.path("health").asText()).as(r.toString()).isEqualTo("ok");
                        assertThat(r.path("lastEvaluation").asText()).as(r.toString()).doesNotStartWith("0001");
                    });
                });
        List<String> alerts = new ArrayList<>();
        prometheus.getJson("/api/v1/alerts").path("data").path("alerts")
                .forEach(a -> alerts.add(a.path("labels").path("alertname").asText()));
        // the disk alerts depend on the machine's file system, not on the broker
        assertThat(alerts).as("alerts on a healthy broker").allMatch(name -> name.startsWith("KelpieDisk"));
    }

    /**
     * A producer (acks=all) and a consumer in group {@link #GROUP} that commits as it goes (so the group
     * series have data), each on its own thread.
     */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong produced = new AtomicLong();
        private final AtomicLong consumed = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private final String bootstrap;

        private Load(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        static Load start(String bootstrap) {
            Load load = new Load(bootstrap);
            load.thread("metrics-it-producer", load::produce);
            load.thread("metrics-it-consumer", load::consume);
            return load;
        }

        private void thread(String name, Runnable body) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }

        private void produce() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            byte[] value = new byte[512];
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                while (running.get()) {
                    producer.send(new ProducerRecord<>(TOPIC, value), (m, e) -> {
                        if (e == null) {
                            produced.incrementAndGet();
                        }
                    });
                    if (produced.get() % 200 == 0) {
                        producer.flush();
                    }
                }
            }
        }

        private void consume() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
            p.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, 500);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(TOPIC));
                while (running.get()) {
                    consumed.addAndGet(consumer.poll(Duration.ofMillis(200)).count());
                }
            }
        }

        long produced() {
            return produced.get();
        }

        long consumed() {
            return consumed.get();
        }

        @Override
        public void close() {
            running.set(false);
            try {
                for (Thread t : threads) {
                    t.join(Duration.ofSeconds(30).toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
