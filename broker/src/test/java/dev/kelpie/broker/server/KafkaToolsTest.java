package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.ConfigCommand;
import org.apache.kafka.tools.GetOffsetShell;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka 4.4's own command-line tools (in-JVM, their {@code main}) against the broker: the seed's
 * {@code kafka-topics --create/--describe/--list}, {@code kafka-configs} and {@code kafka-get-offsets}.
 */
class KafkaToolsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    /** Thrown instead of exiting the JVM. */
    static final class ExitCalled extends RuntimeException {
        final int status;

        ExitCalled(int status) {
            super("exit " + status);
            this.status = status;
        }
    }

    /** The first exit status a tool asked for during {@link #run}; tools catch what the procedure throws. */
    private static final AtomicInteger FIRST_EXIT = new AtomicInteger(-1);

    @BeforeAll
    static void trapExit() {
        Exit.setExitProcedure((status, message) -> {
            FIRST_EXIT.compareAndSet(-1, status);
            throw new ExitCalled(status);
        });
    }

    @AfterAll
    static void restoreExit() {
        Exit.resetExitProcedure();
    }

    /** Runs a tool's main and returns what it printed; fails on a non-zero exit. */
    private static String run(ToolMain main, String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        FIRST_EXIT.set(-1);
        try {
            main.run(args);
        } catch (ExitCalled e) {
            // the tool's final exit; the status that counts is the first one
        } finally {
            System.setOut(original);
        }
        int status = Math.max(0, FIRST_EXIT.get());
        if (status != 0) {
            throw new AssertionError("tool exited " + status + ": " + out.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    interface ToolMain {
        void run(String[] args) throws Exception;
    }

    @Test
    void seedTopicWalkthrough() throws Exception {
        String bootstrap = BROKER.bootstrap();
        String created = run(TopicCommand::main, "--create", "--topic", "euljiro-kafka-jungin", "--bootstrap-server",
                bootstrap, "--replication-factor", "1", "--partitions", "1");
        assertThat(created).contains("Created topic euljiro-kafka-jungin.");
        String described = run(TopicCommand::main, "--describe", "--topic", "euljiro-kafka-jungin",
                "--bootstrap-server", bootstrap);
        assertThat(described).contains("Topic: euljiro-kafka-jungin", "PartitionCount: 1", "ReplicationFactor: 1",
                "Leader: 1", "Replicas: 1", "Isr: 1");
        assertThat(run(TopicCommand::main, "--list", "--bootstrap-server", bootstrap))
                .contains("euljiro-kafka-jungin");
    }

    @Test
    void configsAndOffsetsTools() throws Exception {
        String bootstrap = BROKER.bootstrap();
        run(TopicCommand::main, "--create", "--topic", "tooled", "--bootstrap-server", bootstrap, "--partitions", "2");
        String altered = run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--alter", "--entity-type",
                "topics", "--entity-name", "tooled", "--add-config", "retention.ms=3600000");
        assertThat(altered).contains("Completed updating config for topic tooled.");
        String described = run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--describe", "--entity-type",
                "topics", "--entity-name", "tooled");
        assertThat(described).contains("retention.ms=3600000");
        assertThat(run(GetOffsetShell::main, "--bootstrap-server", bootstrap, "--topic", "tooled"))
                .contains("tooled:0:0", "tooled:1:0");
    }
}
