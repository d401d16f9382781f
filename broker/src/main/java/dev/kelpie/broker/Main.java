package dev.kelpie.broker;

import dev.kelpie.broker.common.BuildInfo;
import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.config.BrokerConfigLoader;
import dev.kelpie.broker.server.BrokerServer;
import dev.kelpie.broker.storage.Storage;
import dev.kelpie.broker.storage.StorageException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/kelpie-server}: loads the configuration, formats or checks the storage, starts the broker and
 * prints where it listens; SIGTERM (or Ctrl-C) closes it gracefully and the process exits 0.
 *
 * <p>Exit codes: 0 after a clean shutdown, {@code --help} or {@code --version}; 2 when the command line,
 * configuration or log directories are wrong (one line on stderr, no stack trace); 1 when start-up or
 * shutdown fails otherwise.
 *
 * <p>Thread-safety: {@link #main} runs on the main thread; {@link Running#stop()} runs on the shutdown-hook
 * thread and is safe to call once from any thread.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        Outcome outcome = start(args, System.getenv(), System.out, System.err);
        if (outcome.running() == null) {
            System.exit(outcome.exitCode());
            return;
        }
        Running running = outcome.running();
        // The hook, not main, ends the process: it halts with 0 once the broker is closed, so SIGTERM is
        // a clean exit rather than the JVM's 143.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(running.stop()),
                "kelpie-shutdown"));
        awaitShutdown();
    }

    /**
     * The result of {@link #start}: either an exit code (nothing is left running) or a running broker.
     *
     * @param exitCode the code to exit with when {@code running} is null
     * @param running the started broker, or null
     */
    record Outcome(int exitCode, Running running) {
    }

    /** Parses, loads, formats and starts; never throws for bad input, which becomes an exit code and a line. */
    static Outcome start(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        BrokerConfig config;
        Storage storage;
        try {
            CommandLine cmd = CommandLine.parse(args);
            if (cmd.help()) {
                out.print(CommandLine.USAGE);
                return new Outcome(EXIT_OK, null);
            }
            if (cmd.version()) {
                out.println("Kelpie " + version());
                return new Outcome(EXIT_OK, null);
            }
            BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(cmd.propertiesFile(), env, cmd.overrides());
            loaded.warnings().forEach(LOG::warn);
            config = loaded.config();
            storage = Storage.open(config.logDirs(), config.nodeId(), loaded.clusterId());
        } catch (ConfigException | StorageException e) {
            err.println("kelpie-server: " + e.getMessage());
            return new Outcome(EXIT_USAGE, null);
        } catch (IOException | UncheckedIOException e) {
            err.println("kelpie-server: cannot prepare the log dirs: " + e);
            return new Outcome(EXIT_USAGE, null);
        }
        return startServer(config, storage, out, err);
    }

    private static Outcome startServer(BrokerConfig config, Storage storage, PrintStream out, PrintStream err) {
        if (!storage.formattedNow().isEmpty()) {
            LOG.info("Formatted {} for cluster.id={} node.id={}", storage.formattedNow(), storage.clusterId(),
                    storage.nodeId());
        }
        BrokerServer server = null;
        try {
            server = new BrokerServer(config, storage.clusterId(), Clock.SYSTEM);
            server.start();
            out.println(startedLine(config, server.boundPort()));
            return new Outcome(EXIT_OK, new Running(server, storage, Clock.SYSTEM));
        } catch (Exception e) {
            BindException bind = cause(e, BindException.class);
            if (bind != null) {
                err.println("kelpie-server: cannot listen on " + config.listenerHost() + ":" + config.listenerPort()
                        + ": " + bind.getMessage());
            } else if (e instanceof KafkaException && e.getCause() == null) {
                err.println("kelpie-server: " + e.getMessage());
            } else {
                LOG.error("Kelpie failed to start", e);
            }
            new Running(server, storage, Clock.SYSTEM).stop();
            return new Outcome(EXIT_FAILED, null);
        }
    }

    static String startedLine(BrokerConfig config, int boundPort) {
        String metrics = config.metricsPort() == 0 ? "off"
                : "http://" + hostForUrl(config.listenerHost()) + ":" + config.metricsPort() + "/metrics";
        String data = config.logDirs().stream().map(p -> p.toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(","));
        int advertisedPort = config.advertisedPort() == 0 ? boundPort : config.advertisedPort();
        String advertised = config.advertisedHost().equals(config.listenerHost()) && advertisedPort == boundPort
                ? "" : " (advertised as " + hostForUrl(config.advertisedHost()) + ":" + advertisedPort + ")";
        return "Kelpie " + version() + " started: listener PLAINTEXT://" + hostForUrl(config.listenerHost()) + ":"
                + boundPort + advertised + ", metrics " + metrics + ", data " + data;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The project version, from the build. */
    static String version() {
        return BuildInfo.version();
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static void awaitShutdown() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A started broker and its locked storage.
     *
     * <p>Thread-safety: {@link #stop()} is synchronized and idempotent.
     */
    static final class Running {
        private final BrokerServer server;
        private final Storage storage;
        private final Clock clock;
        private boolean stopped;

        Running(BrokerServer server, Storage storage, Clock clock) {
            this.server = server;
            this.storage = storage;
            this.clock = clock;
        }

        /**
         * Closes the broker (it stops accepting, finishes in-flight requests, flushes and checkpoints), then
         * releases the log dirs. Returns the exit code: 0 when everything closed cleanly.
         */
        synchronized int stop() {
            if (stopped) {
                return EXIT_OK;
            }
            stopped = true;
            long startNs = clock.monotonicNs();
            int code = EXIT_OK;
            if (server != null) {
                LOG.info("Kelpie shutting down");
                try {
                    server.close();
                } catch (Exception e) {
                    LOG.error("Kelpie did not shut down cleanly", e);
                    code = EXIT_FAILED;
                }
            }
            try {
                storage.close();
            } catch (IOException e) {
                LOG.error("Could not release the log dir locks", e);
                code = EXIT_FAILED;
            }
            if (server != null && code == EXIT_OK) {
                LOG.info("Kelpie stopped cleanly in {} ms", (clock.monotonicNs() - startNs) / 1_000_000);
            }
            System.out.flush();
            System.err.flush();
            return code;
        }
    }
}
