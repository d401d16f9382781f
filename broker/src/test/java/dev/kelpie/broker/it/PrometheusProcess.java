package dev.kelpie.broker.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the Debian package's {@code prometheus} on the PATH) on a free loopback port,
 * with its data in a temporary directory, scraping given targets every second and evaluating given rule
 * files every second. Its output goes to {@code prometheus.log} in that directory.
 *
 * Used by the broker's {@code MetricsIT} and, through the broker's test-jar, the operator's
 * {@code OperatorMetricsIT}.
 *
 * <p>Thread-safety: for the test thread.
 */
public final class PrometheusProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * @param job the scrape job name
     * @param targets {@code host:port} of {@code /metrics} endpoints
     * @param ruleFiles rule files to load
     */
    public static PrometheusProcess start(Path dir, String job, List<String> targets, List<Path> ruleFiles) {
        String prometheus = Cli.requireOnPath("prometheus", "apt-get install prometheus");
        int port = BrokerProcess.freePort();
        StringBuilder config = new StringBuilder()
                .append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
                .append("rule_files:\n");
        ruleFiles.forEach(f -> config.append("  - '").append(f.toAbsolutePath().normalize()).append("'\n"));
        config.append("scrape_configs:\n  - job_name: '").append(job).append("'\n    static_configs:\n")
                .append("      - targets: [");
        config.append(String.join(", ", targets.stream().map(t -> "'" + t + "'").toList())).append("]\n");
        try {
            Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config.toString());
            Path log = dir.resolve("prometheus.log");
            Process process = new ProcessBuilder(prometheus, "--config.file=" + configFile,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PrometheusProcess started = new PrometheusProcess(process, log, port);
            await("prometheus ready").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive() || started.isReady());
            if (!process.isAlive()) {
                throw new AssertionError("Prometheus exited " + process.exitValue() + ":\n" + started.output());
            }
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean isReady() {
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code /api/v1/query} now; the whole JSON answer (status, data or error). */
    public JsonNode query(String promql) {
        return getJson("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The value of the first series {@code promql} returns now; 0 when it returns none. */
    public double value(String promql) {
        JsonNode result = query(promql).path("data").path("result");
        return result.size() == 0 ? 0 : result.get(0).path("value").get(1).asDouble();
    }

    public JsonNode getJson(String pathAndQuery) {
        try {
            return JSON.readTree(get(pathAndQuery).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
