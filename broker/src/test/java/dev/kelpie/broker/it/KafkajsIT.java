package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafkajs 2.2.4 (npm, pinned by {@code src/it/node/package-lock.json}) against the distribution's broker:
 * admin createTopics/listTopics/fetchTopicMetadata/fetchTopicOffsets, an idempotent producer (plain and gzip
 * batches), reads of assigned partitions through kafkajs's own Fetch, and a consumer group of two members
 * ({@code --group}: one partition each, offsets committed). The script asserts each step; this test checks that
 * every step reported success.
 */
class KafkajsIT {
    @TempDir
    static Path dir;
    private static BrokerProcess broker;
    private static String node;
    private static Path scriptDir;

    @BeforeAll
    static void startBroker() {
        node = Cli.requireOnPath("node", "apt-get install nodejs npm");
        scriptDir = Path.of(System.getProperty("kelpie.node.dir", "src/it/node"));
        if (!Files.isDirectory(scriptDir.resolve("node_modules/kafkajs"))) {
            throw new AssertionError("kafkajs is not installed: run `npm ci` in " + scriptDir
                    + " (bash .ci/run does this)");
        }
        broker = BrokerProcess.start(dir.resolve("data"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            assertThat(broker.stop()).as(broker.output()).isZero();
        }
    }

    @Test
    void adminIdempotentProducerAssignedReadsAndAConsumerGroup() {
        Cli.Result r = Cli.run(Duration.ofSeconds(120), null, scriptDir, Map.of("KAFKAJS_NO_PARTITIONER_WARNING", "1"),
                List.of(node, "kafkajs-check.js", broker.bootstrap(), "kafkajs-topic", "--group")).assertSuccess();
        assertThat(r.stdout().lines()).as(r.toString()).containsExactly(
                "ok admin: created kafkajs-topic with 2 partitions; listTopics includes it",
                "ok producer: idempotent, 50 records acknowledged with acks=-1",
                "ok offsets: p0=0..25 p1=0..25",
                "ok fetch: read 50 records back from assigned partitions, in order",
                "ok consumer group: 2 members, one partition each, 50 records, committed 25/25");
    }
}
