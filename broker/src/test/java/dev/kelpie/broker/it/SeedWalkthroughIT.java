package dev.kelpie.broker.it;

import static dev.kelpie.broker.it.Cli.bin;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's walkthrough, verbatim, through the distribution's own {@code bin/} wrappers of Kafka 4.4's tools:
 * create a topic, describe it, produce with the console producer, consume with the console consumer. The
 * steps build on each other, so they run in order against one broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedWalkthroughIT {
    private static final String TOPIC = "euljiro-kafka-jungin";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> LINES = IntStream.range(0, 20).mapToObj(i -> "을지로 message " + i).toList();

    @TempDir
    static Path dir;
    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        broker = BrokerProcess.start(dir.resolve("data"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            int exit = broker.stop();
            assertThat(exit).as("clean shutdown; output:\n" + broker.output()).isZero();
        }
    }

    @Test
    @Order(1)
    void createTopic() {
        Cli.Result r = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-topics"), "--create", "--topic", TOPIC,
                "--bootstrap-server", broker.bootstrap(), "--replication-factor", "1", "--partitions", "1"))
                .assertSuccess();
        assertThat(r.stdout()).as(r.toString()).isEqualTo("Created topic " + TOPIC + ".\n");
    }

    @Test
    @Order(2)
    void describeTopic() {
        Cli.Result r = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-topics"), "--describe", "--topic", TOPIC,
                "--bootstrap-server", broker.bootstrap())).assertSuccess();
        assertThat(r.stdout()).as(r.toString()).containsPattern("Topic: " + TOPIC + "\\s+TopicId: [A-Za-z0-9_-]{22}\\s+PartitionCount: 1"
                + "\\s+ReplicationFactor: 1");
        assertThat(r.stdout()).as(r.toString()).containsPattern("Topic: " + TOPIC + "\\s+Partition: 0\\s+Leader: 1\\s+Replicas: 1\\s+Isr: 1");
    }

    @Test
    @Order(3)
    void listTopics() {
        Cli.Result r = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-topics.sh"), "--list", "--bootstrap-server",
                broker.bootstrap())).assertSuccess();
        assertThat(r.stdout().lines()).as(r.toString()).contains(TOPIC);
    }

    @Test
    @Order(4)
    void produceWithTheConsoleProducer() {
        Cli.Result r = Cli.run(TOOL_TIMEOUT, String.join("\n", LINES) + "\n", List.of(bin("kafka-console-producer"),
                "--topic", TOPIC, "--bootstrap-server", broker.bootstrap())).assertSuccess();
        assertThat(r.stderr()).as(r.toString()).doesNotContain("ERROR");
    }

    @Test
    @Order(5)
    void consumeFromTheBeginningWithTheConsoleConsumer() {
        Cli.Result r = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-console-consumer"), "--topic", TOPIC,
                "--bootstrap-server", broker.bootstrap(), "--from-beginning", "--max-messages",
                Integer.toString(LINES.size()))).assertSuccess();
        assertThat(r.stdout().lines()).as(r.toString()).containsExactlyElementsOf(LINES);
        assertThat(r.stderr()).as(r.toString()).contains("Processed a total of " + LINES.size() + " messages");
    }

    @Test
    @Order(6)
    void consumeAnAssignedPartitionWithTheConsoleConsumer() {
        Cli.Result r = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-console-consumer"), "--topic", TOPIC,
                "--bootstrap-server", broker.bootstrap(), "--partition", "0", "--offset", "5", "--max-messages", "3",
                "--formatter-property", "print.offset=true")).assertSuccess();
        assertThat(r.stdout().lines()).as(r.toString()).containsExactly("Offset:5\t" + LINES.get(5), "Offset:6\t" + LINES.get(6),
                "Offset:7\t" + LINES.get(7));
    }

    @Test
    @Order(7)
    void topicConfigsAreDescribedWithKafkasDefaults() {
        Cli.Result r = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-configs"), "--bootstrap-server",
                broker.bootstrap(), "--entity-type", "topics", "--entity-name", TOPIC, "--describe", "--all"))
                .assertSuccess();
        assertThat(r.stdout()).as(r.toString()).contains("retention.ms=604800000", "cleanup.policy=delete", "segment.bytes=1073741824");
    }

    @Test
    @Order(8)
    void kafkasDumpLogReadsKelpiesSegment() throws IOException {
        Path segment = broker.dataDir().resolve(TOPIC + "-0").resolve("00000000000000000000.log");
        assertThat(segment).isRegularFile();
        Cli.Result r = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-dump-log"), "--files", segment.toString(),
                "--print-data-log")).assertSuccess();
        for (String line : LINES) {
            assertThat(r.stdout()).as(r.toString()).contains("payload: " + line);
        }
        assertThat(r.stdout()).as(r.toString()).doesNotContain("Found invalid").doesNotContain("CorruptRecord");
        assertThat(Files.size(segment)).isPositive();
    }
}
