package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kcat (librdkafka, the Debian package) against the distribution's broker: metadata, produce with gzip and
 * zstd, consume to the end, and the balanced consumer ({@code -G}) in a consumer group that commits and
 * resumes. librdkafka enables compression (and its balanced consumer) only when the broker advertises the
 * versions it probes for, so this also checks the advertised versions.
 */
class KcatIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static BrokerProcess broker;
    private static String kcat;

    @BeforeAll
    static void startBroker() {
        kcat = Cli.requireOnPath("kcat", "apt-get install kcat");
        broker = BrokerProcess.start(dir.resolve("data"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            assertThat(broker.stop()).as(broker.output()).isZero();
        }
    }

    private static Cli.Result kcat(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(kcat, "-b", broker.bootstrap()));
        command.addAll(List.of(args));
        return Cli.run(TIMEOUT, stdin, command).assertSuccess();
    }

    @Test
    void metadataListsTheBrokerAndAutoCreatedTopics() {
        kcat("hello\n", "-P", "-t", "kcat-metadata");
        Cli.Result r = kcat(null, "-L");
        assertThat(r.stdout()).as(r.toString()).contains("1 brokers:", "broker 1 at 127.0.0.1:" + broker.port());
        assertThat(r.stdout()).as(r.toString()).containsPattern("topic \"kcat-metadata\" with 1 partitions:");
        assertThat(r.stdout()).as(r.toString()).containsPattern("partition 0, leader 1, replicas: 1, isrs: 1");
    }

    @Test
    void gzipAndZstdBatchesRoundTrip() {
        List<String> gzip = IntStream.range(0, 500).mapToObj(i -> "gzip record " + i + " " + "x".repeat(i % 50)).toList();
        List<String> zstd = IntStream.range(0, 500).mapToObj(i -> "zstd record " + i + " " + "y".repeat(i % 50)).toList();
        broker.createTopic("kcat-compressed", 1);
        kcat(String.join("\n", gzip) + "\n", "-P", "-t", "kcat-compressed", "-z", "gzip", "-X", "linger.ms=50");
        kcat(String.join("\n", zstd) + "\n", "-P", "-t", "kcat-compressed", "-z", "zstd", "-X", "linger.ms=50");

        Cli.Result r = kcat(null, "-C", "-t", "kcat-compressed", "-o", "beginning", "-e", "-f", "%o %s\\n");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < gzip.size(); i++) {
            expected.add(i + " " + gzip.get(i));
        }
        for (int i = 0; i < zstd.size(); i++) {
            expected.add((gzip.size() + i) + " " + zstd.get(i));
        }
        assertThat(r.stdout().lines()).as(r.toString()).containsExactlyElementsOf(expected);
    }

    @Test
    void keysAndOffsetsFromTheMiddle() {
        broker.createTopic("kcat-keys", 1);
        kcat("k1:v1\nk2:v2\nk3:v3\n", "-P", "-t", "kcat-keys", "-K", ":");
        Cli.Result r = kcat(null, "-C", "-t", "kcat-keys", "-p", "0", "-o", "1", "-e", "-f", "%k=%s@%o\\n");
        assertThat(r.stdout().lines()).as(r.toString()).containsExactly("k2=v2@1", "k3=v3@2");
    }

    @Test
    void balancedConsumerInAGroupCommitsAndResumes() {
        broker.createTopic("kcat-group", 2);
        kcat(IntStream.range(0, 10).mapToObj(i -> "p0-" + i + "\n").reduce("", String::concat), "-P", "-t",
                "kcat-group", "-p", "0");
        kcat(IntStream.range(0, 10).mapToObj(i -> "p1-" + i + "\n").reduce("", String::concat), "-P", "-t",
                "kcat-group", "-p", "1");
        Cli.Result first = kcat(null, "-G", "kcat-consumers", "-X", "auto.offset.reset=earliest", "-c", "20", "-f",
                "%p %s\\n", "kcat-group");
        List<String> expected = new ArrayList<>();
        IntStream.range(0, 10).forEach(i -> expected.add("0 p0-" + i));
        IntStream.range(0, 10).forEach(i -> expected.add("1 p1-" + i));
        assertThat(first.stdout().lines()).as(first.toString()).containsExactlyInAnyOrderElementsOf(expected);

        kcat("p0-late\n", "-P", "-t", "kcat-group", "-p", "0");
        kcat("p1-late\n", "-P", "-t", "kcat-group", "-p", "1");
        Cli.Result resumed = kcat(null, "-G", "kcat-consumers", "-X", "auto.offset.reset=earliest", "-c", "2", "-f",
                "%p %s\\n", "kcat-group");
        assertThat(resumed.stdout().lines()).as("only what was produced after the committed offsets; "
                + resumed).containsExactlyInAnyOrder("0 p0-late", "1 p1-late");
    }
}
