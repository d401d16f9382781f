package dev.kelpie.broker.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A Kelpie broker running as a child process from the built distribution's {@code bin/kelpie-server}, on a
 * free port of 127.0.0.1 and a data directory of the caller's choice, with its stdout and stderr captured.
 *
 * <p>Thread-safety: the captured output is collected by {@link ProcessOutput}; start, stop and kill are called by
 * the test thread.
 */
public final class BrokerProcess implements AutoCloseable {
    /** Printed by {@code Main} once the listener is bound. */
    public static final String STARTED_MARKER = " started: listener PLAINTEXT://";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path dataDir;
    private final int port;
    private final ProcessOutput output;

    private BrokerProcess(Process process, Path dataDir, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
        this.output = ProcessOutput.collect(process, "broker-output");
    }

    /** The distribution built by {@code package}: {@code broker/target/kelpie-<version>}. */
    public static Path distribution() {
        String dir = System.getProperty("kelpie.dist.dir");
        if (dir == null) {
            throw new IllegalStateException("kelpie.dist.dir is not set: run the ITs through Maven (./mvnw verify)");
        }
        Path dist = Path.of(dir);
        if (!Files.isExecutable(dist.resolve("bin/kelpie-server"))) {
            throw new IllegalStateException("No distribution at " + dist + ": run ./mvnw package first");
        }
        return dist;
    }

    /** Starts a broker on a free port with its data in {@code dataDir}, and waits until it has started. */
    public static BrokerProcess start(Path dataDir, String... extraArgs) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "log.dirs=" + dataDir, "--override", "kelpie.metrics.port=" + freePort()));
        args.addAll(List.of(extraArgs));
        BrokerProcess broker = new BrokerProcess(launch(dataDir.getParent(), Map.of(), args), dataDir, port);
        broker.awaitStarted();
        return broker;
    }

    /**
     * Launches {@code bin/kelpie-server} with the given arguments in {@code workDir}, stdout and stderr merged,
     * with none of this JVM's {@code KELPIE_*} variables but those in {@code env}, and a small heap.
     */
    public static Process launch(Path workDir, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(distribution().resolve("bin/kelpie-server").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KELPIE_"));
        pb.environment().put("KELPIE_HEAP_OPTS", "-Xmx512m -Xms64m");
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wraps an already launched broker process whose output is not yet consumed. */
    public static BrokerProcess adopt(Process process, Path dataDir, int port) {
        return new BrokerProcess(process, dataDir, port);
    }

    /** A TCP port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the started line; fails with the broker's output if it exits or takes too long. */
    public void awaitStarted() {
        await("broker start").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> startedLine().isPresent() || !process.isAlive());
        if (startedLine().isEmpty()) {
            throw new AssertionError("Broker did not start; exit " + exitCodeIfDone() + ", output:\n" + output());
        }
    }

    /**
     * Sends SIGTERM and waits for the process to exit; returns its exit code. Signals go through the
     * {@link ProcessHandle}: {@link Process#destroy()} would also close our end of its output.
     */
    public int stop() {
        process.toHandle().destroy();
        return awaitExit();
    }

    /** Sends SIGKILL and waits for the process to be gone. */
    public void kill() {
        process.toHandle().destroyForcibly();
        awaitExit();
    }

    /** Waits for the process to exit on its own; returns its exit code. */
    public int awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("Broker did not exit within " + STOP_TIMEOUT + "; output:\n" + output());
            }
            // the pump sees end-of-stream shortly after exit; wait so output() is complete
            await("broker output drained").atMost(Duration.ofSeconds(10)).until(output::drained);
            // kept in failsafe's <test>-output.txt, next to the test's own report
            System.out.println("=== broker pid " + process.pid() + " exited " + process.exitValue() + "; output:\n"
                    + output());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Creates a topic with replication factor 1 through kafka-clients' Admin. */
    public void createTopic(String name, int partitions) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Could not create topic " + name, e);
        }
    }

    public String bootstrap() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Optional<String> startedLine() {
        return output.lines().stream().filter(l -> l.contains(STARTED_MARKER)).findFirst();
    }

    /** Everything the broker printed so far. */
    public String output() {
        return String.join("\n", output.lines());
    }

    private String exitCodeIfDone() {
        return process.isAlive() ? "none (still running)" : Integer.toString(process.exitValue());
    }

    /** Kills the broker if it is still running (a test that failed half-way). */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
