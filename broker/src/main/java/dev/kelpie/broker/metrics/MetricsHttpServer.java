package dev.kelpie.broker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's HTTP port ({@code kelpie.metrics.port}), on the JDK's built-in server with one thread of its
 * own, so scrapes and probes never run on a broker thread:
 * <ul>
 *   <li>{@code GET /metrics}: the Prometheus text format (0.0.4);</li>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the process serves HTTP at all (liveness; answered during
 *       recovery too, so a long recovery does not get the pod killed);</li>
 *   <li>{@code GET /readyz}: 200 {@code ready} once {@link Readiness} says so, else 503 with the reason.</li>
 * </ul>
 * Other paths are 404, other methods than GET and HEAD 405.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} are for the broker's lifecycle thread; requests are
 * handled one at a time on the server's thread.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PLAIN = "text/plain; charset=utf-8";
    private static final int BACKLOG = 16;

    private final HttpServer server;
    private final ExecutorService executor;
    private boolean closed;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} and serves {@code metrics}.
     *
     * @throws KafkaException naming {@code kelpie.metrics.port} if the address cannot be bound
     */
    public static MetricsHttpServer start(String host, int port, BrokerMetrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        } catch (BindException e) {
            throw new KafkaException("cannot serve metrics on " + host + ":" + port + " (kelpie.metrics.port): "
                    + e.getMessage());
        } catch (IOException e) {
            throw new KafkaException("cannot serve metrics on " + host + ":" + port + " (kelpie.metrics.port): "
                    + e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kelpie-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> serve(exchange, "/metrics",
                () -> new Reply(200, TEXT_FORMAT, metrics.scrape())));
        server.createContext("/healthz", exchange -> serve(exchange, "/healthz", () -> new Reply(200, PLAIN, "ok\n")));
        server.createContext("/readyz", exchange -> serve(exchange, "/readyz", () -> {
            Optional<String> reason = metrics.readiness().notReadyReason();
            return reason.map(r -> new Reply(503, PLAIN, "not ready: " + r + "\n"))
                    .orElseGet(() -> new Reply(200, PLAIN, "ready\n"));
        }));
        server.start();
        MetricsHttpServer started = new MetricsHttpServer(server, executor);
        LOG.info("Serving /metrics, /healthz and /readyz on http://{}:{}", host, started.port());
        return started;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private record Reply(int status, String contentType, String body) {
    }

    private static void serve(HttpExchange exchange, String path, Supplier<Reply> handler) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Reply reply = reply(exchange, path, handler);
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static Reply reply(HttpExchange exchange, String path, Supplier<Reply> handler) {
        String method = exchange.getRequestMethod();
        if (!exchange.getRequestURI().getPath().equals(path)) {
            return new Reply(404, PLAIN, "not found\n");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            return new Reply(405, PLAIN, "method not allowed\n");
        }
        try {
            return handler.get();
        } catch (RuntimeException e) {
            LOG.error("Cannot answer {} {}", method, exchange.getRequestURI(), e);
            return new Reply(500, PLAIN, "internal error: " + e + "\n");
        }
    }

    /** Stops accepting, ends open exchanges and stops the thread. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // a delay > 0 always waits that long on JDK 17 (JDK-8304065); scrapes cut short are retried anyway
        server.stop(0);
        executor.shutdownNow();
    }
}
