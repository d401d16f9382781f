package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.metrics.Dashboards;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code promtool check rules} passes. The operator's queries ({@link Dashboards#isOperator}) are checked by the
 * operator module's {@code OperatorMetricsIT} instead, with a running operator.
 */
class MetricsIT {
    private static final String TOPIC = "metrics-it";
    private static final Pattern METRICS_URL = Pattern.compile("metrics http://([^/]+)/metrics");
    /** Values for the dashboards' variables, as Grafana's "All" or the test's own topic. */
    private static final String GROUP = "metrics-it-group";
    private static final Map<String, String> VARIABLES = Map.of("namespace", ".*", "cluster", ".*", "topic", TOPIC,
            "group", ".*", "__rate_interval", "10s", "__interval", "5s", "__range", "1m");
    /**
     * Queries with no series here, by the prefix of every metric name they select → why. Each such query must
     * be empty (so the list cannot go stale). None today: the operator's queries
     * ({@link Dashboards#isOperator}) are not checked here but by the operator module's
     * {@code OperatorMetricsIT}, against a running operator.
     */
    static final Map<String, String> EMPTY_BY_DESIGN = Map.of();

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
                .until(() -> prometheus.value("count_over_time(kelpie_broker_info[1m])") >= 5
                        && prometheus.value("sum(rate(kelpie_topic_in_bytes_total[10s]))") > 0
                        && prometheus.value("sum(rate(kelpie_topic_out_bytes_total[10s]))") > 0
                        // the group has joined and committed for a few scrapes: lag and deriv() have points
                        && prometheus.value("max(count_over_time(kelpie_group_committed_offset[1m]))") >= 3);
        assertThat(load.produced()).isPositive();
        assertThat(load.consumed()).isPositive();
    }

    private static void checkDashboards(PrometheusProcess prometheus) {
        // the operator's queries are OperatorMetricsIT's
        List<Dashboards.Query> queries = Dashboards.panelAndVariableQueries().stream()
                .filter(q -> !Dashboards.isOperator(q)).toList();
        assertThat(queries).hasSizeGreaterThan(60);
        int withData = DashboardCheck.assertEveryQueryHasData(prometheus, queries, VARIABLES, EMPTY_BY_DESIGN);
        System.out.println("Checked " + queries.size() + " dashboard queries; " + withData + " with data");
        assertThat(prometheus.value("sum(rate(kelpie_topic_in_messages_total{topic=\"" + TOPIC + "\"}[10s]))"))
                .isPositive();
        assertThat(prometheus.value("sum(rate(kelpie_request_duration_seconds_count{api=\"Produce\"}[10s]))"))
                .isPositive();
        assertThat(prometheus.value("histogram_quantile(0.99, sum by (le) "
                + "(rate(kelpie_request_duration_seconds_bucket{api=\"Produce\"}[10s])))"))
                .isPositive().isLessThan(30);
    }

    private static void checkRules(PrometheusProcess prometheus) {
        DashboardCheck.assertEveryRuleEvaluates(prometheus);
        // the disk alerts depend on the machine's file system, not on the broker
        assertThat(DashboardCheck.alerts(prometheus)).extracting(a -> a.path("labels").path("alertname").asText())
                .as("alerts on a healthy broker").allMatch(name -> name.startsWith("KelpieDisk"));
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
