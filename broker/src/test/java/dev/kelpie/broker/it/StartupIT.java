package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up and shutdown of the distribution's {@code bin/kelpie-server} as a process. */
class StartupIT {
    @TempDir
    Path dir;

    @Test
    void aWrongValueExitsWithCodeTwoAndOneLineNamingTheKey() {
        Path data = dir.resolve("data");
        BrokerProcess broker = BrokerProcess.adopt(BrokerProcess.launch(dir, Map.of(),
                List.of("--override", "num.partitions=abc", "--override", "log.dirs=" + data)), data, 0);
        assertThat(broker.awaitExit()).isEqualTo(2);
        assertThat(broker.output()).isEqualTo(
                "kelpie-server: Invalid value abc for configuration num.partitions: must be an int");
        assertThat(data).doesNotExist();
    }

    @Test
    void aWrongEnvironmentValueNamesTheKeyToo() {
        BrokerProcess broker = BrokerProcess.adopt(BrokerProcess.launch(dir, Map.of("KELPIE_LISTENERS", "localhost"),
                List.of()), dir.resolve("data"), 0);
        assertThat(broker.awaitExit()).isEqualTo(2);
        assertThat(broker.output()).isEqualTo("kelpie-server: Invalid value localhost for configuration listeners: "
                + "each entry must look like PLAINTEXT://host:port");
    }

    /**
     * No arguments: the embedded default (data in ./data, formatted on first start), here moved to a free port
     * through a {@code KELPIE_*} variable so the test does not depend on 9092 being free.
     */
    @Test
    void embeddedDefaultFormatsDataStartsAndStopsCleanlyOnSigterm() throws IOException {
        int port = BrokerProcess.freePort();
        Map<String, String> env = Map.of("KELPIE_LISTENERS", "PLAINTEXT://127.0.0.1:" + port,
                "KELPIE_METRICS_PORT", Integer.toString(BrokerProcess.freePort()));
        Path data = dir.resolve("data");
        try (BrokerProcess broker = BrokerProcess.adopt(BrokerProcess.launch(dir, env, List.of()), data, port)) {
            broker.awaitStarted();
            assertThat(broker.startedLine()).hasValueSatisfying(line -> assertThat(line)
                    .matches("Kelpie \\S+ started: listener PLAINTEXT://127\\.0\\.0\\.1:" + port
                            + ", metrics http://127\\.0\\.0\\.1:\\d+/metrics, data \\S+")
                    .endsWith("data " + data.toAbsolutePath()));
            String meta = Files.readString(data.resolve("meta.properties"));
            assertThat(meta).contains("version=1", "node.id=1").containsPattern("cluster.id=[A-Za-z0-9_-]{22}")
                    .containsPattern("directory.id=[A-Za-z0-9_-]{22}");

            secondBrokerOnTheSameDataIsRefused(data);

            assertThat(broker.stop()).as(broker.output()).isZero();
            assertThat(broker.output()).contains("Kelpie shutting down", "Kelpie stopped cleanly in ");
            assertThat(Files.readString(data.resolve("meta.properties"))).isEqualTo(meta);
        }
    }

    private void secondBrokerOnTheSameDataIsRefused(Path data) {
        Map<String, String> env = Map.of("KELPIE_LISTENERS", "PLAINTEXT://127.0.0.1:" + BrokerProcess.freePort(),
                "KELPIE_METRICS_PORT", "0");
        BrokerProcess second = BrokerProcess.adopt(BrokerProcess.launch(dir, env, List.of()), data, 0);
        assertThat(second.awaitExit()).isEqualTo(2);
        assertThat(second.output()).isEqualTo("kelpie-server: Log dir data is in use by another broker process "
                + "(.lock is locked)");
    }

    @Test
    void helpAndVersionExitZero() {
        BrokerProcess help = BrokerProcess.adopt(BrokerProcess.launch(dir, Map.of(), List.of("--help")), dir, 0);
        assertThat(help.awaitExit()).isZero();
        assertThat(help.output()).startsWith("Usage: kelpie-server [server.properties] [--override key=value]...");
        BrokerProcess version = BrokerProcess.adopt(BrokerProcess.launch(dir, Map.of(), List.of("--version")), dir, 0);
        assertThat(version.awaitExit()).isZero();
        assertThat(version.output()).matches("Kelpie \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
