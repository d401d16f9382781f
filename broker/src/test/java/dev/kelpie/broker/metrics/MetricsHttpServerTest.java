package dev.kelpie.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.server.BrokerServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP port over real sockets: /metrics, /healthz and /readyz through start-up and shutdown. */
class MetricsHttpServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return send(port, path, "GET");
    }

    static HttpResponse<String> send(int port, String path, String method) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyzFollowsStartUpAndHealthzAnswersThroughout() throws Exception {
        try (BrokerMetrics metrics = new BrokerMetrics(7, "c1");
                MetricsHttpServer http = MetricsHttpServer.start("127.0.0.1", 0, metrics)) {
            int port = http.port();
            Readiness readiness = metrics.readiness();
            assertReadyz(port, 503, "not ready: recovering the metadata and partition logs\n");
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
            readiness.storageRecovered();
            assertReadyz(port, 503, "not ready: the Kafka listener is not bound yet\n");
            readiness.listenerBound();
            assertReadyz(port, 503, "not ready: not registered with the controller yet\n");
            readiness.metadataReady();
            assertReadyz(port, 200, "ready\n");
            readiness.shuttingDown();
            assertReadyz(port, 503, "not ready: shutting down\n");
            HttpResponse<String> health = get(port, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
        }
    }

    private static void assertReadyz(int port, int status, String body) throws Exception {
        HttpResponse<String> r = get(port, "/readyz");
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void metricsIsTheTextFormatAndOtherRequestsAreRefused() throws Exception {
        try (BrokerMetrics metrics = new BrokerMetrics(7, "c1");
                MetricsHttpServer http = MetricsHttpServer.start("127.0.0.1", 0, metrics)) {
            int port = http.port();
            HttpResponse<String> r = get(port, "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(r.body()).contains("# TYPE kelpie_broker_info gauge")
                    .containsPattern("kelpie_broker_info\\{cluster_id=\"c1\",node_id=\"7\",version=\"[^\"]+\"} 1")
                    .contains("# TYPE jvm_threads_live_threads gauge");
            assertThat(get(port, "/metrics/x").statusCode()).isEqualTo(404);
            assertThat(get(port, "/").statusCode()).isEqualTo(404);
            HttpResponse<String> post = send(port, "/metrics", "POST");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            HttpResponse<String> head = send(port, "/healthz", "HEAD");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void aBrokerServesItsPortReadyOnceStartedAndNotReadyOnceClosing() throws Exception {
        int port = freePort();
        BrokerServer broker = new BrokerServer(config(port), "c1", Clock.SYSTEM);
        try {
            broker.start();
            assertThat(broker.metricsPort()).isEqualTo(port);
            assertReadyz(port, 200, "ready\n");
            assertThat(get(port, "/metrics").body()).contains("kelpie_network_connections{listener=\"PLAINTEXT\"}");
        } finally {
            broker.close();
        }
        assertThat(broker.metrics().readiness().notReadyReason()).hasValue("shutting down");
        assertThatThrownBy(() -> get(port, "/healthz")).isInstanceOf(IOException.class);
    }

    @Test
    void aTakenMetricsPortFailsStartUpNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerServer broker = new BrokerServer(config(taken.getLocalPort()), "c1", Clock.SYSTEM);
            assertThatThrownBy(broker::start).isInstanceOf(KafkaException.class).hasNoCause()
                    .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
                            + " (kelpie.metrics.port): ");
            assertThat(broker.isReady()).isFalse();
        }
    }

    private BrokerConfig config(int metricsPort) {
        BrokerConfig base = BrokerConfig.embeddedDefault();
        return new BrokerConfig(base.nodeId(), "127.0.0.1", 0, "127.0.0.1", 0, List.of(dir), metricsPort, 1,
                (short) 1, true, LogConfig.defaults(), base.socketRequestBytesMax(), base.connectionsIdleMsMax(),
                base.requestReadTimeoutMs(), base.connectionsMax(), base.connectionsPerIpMax(),
                base.inFlightRequestsPerConnectionMax(), 1, base.producerIdExpirationMs());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
