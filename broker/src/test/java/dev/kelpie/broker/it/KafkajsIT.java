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
 * batches), and reads of assigned partitions through kafkajs's own Fetch. The script asserts each step; this
 * test checks that every step reported success.
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
    void adminIdempotentProducerAndAssignedReads() {
        Cli.Result r = Cli.run(Duration.ofSeconds(90), null, scriptDir, Map.of("KAFKAJS_NO_PARTITIONER_WARNING", "1"),
                List.of(node, "kafkajs-check.js", broker.bootstrap(), "kafkajs-topic")).assertSuccess();
        assertThat(r.stdout().lines()).as(r.toString()).containsExactly(
                "ok admin: created kafkajs-topic with 2 partitions; listTopics includes it",
                "ok producer: idempotent, 50 records acknowledged with acks=-1",
                "ok offsets: p0=0..25 p1=0..25",
                "ok fetch: read 50 records back from assigned partitions, in order");
    }
}
