package dev.kelpie.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.config.BrokerConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Main.Outcome start(Map<String, String> env, String... args) {
        return Main.start(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void commandLineTakesAFileAndRepeatedOverrides() {
        CommandLine cmd = CommandLine.parse(new String[] {"my.properties", "--override", "a=1", "--override=b=2"});
        assertThat(cmd.propertiesFile()).contains(Path.of("my.properties"));
        assertThat(cmd.overrides()).containsExactly("a=1", "b=2");
        assertThat(cmd.help()).isFalse();
        assertThat(CommandLine.parse(new String[0])).isEqualTo(new CommandLine(Optional.empty(), List.of(), false, false));
    }

    @Test
    void malformedCommandLinesAreRejected() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--override"})).isInstanceOf(ConfigException.class)
                .hasMessage("--override needs a key=value argument");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"a.properties", "b.properties"}))
                .hasMessage("Only one properties file may be given, got a.properties and b.properties");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--daemon"})).hasMessage("Unknown option --daemon (try --help)");
    }

    @Test
    void helpAndVersionPrintAndExitZero() {
        Main.Outcome help = start(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.running()).isNull();
        assertThat(out()).startsWith("Usage: kelpie-server [server.properties] [--override key=value]...");
        out.reset();
        assertThat(start(Map.of(), "--version").exitCode()).isZero();
        assertThat(out()).matches("Kelpie \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
        assertThat(err()).isEmpty();
    }

    @Test
    void aWrongValueIsOneLineOnStderrAndExitCodeTwo() {
        Main.Outcome outcome = start(Map.of(), "--override", "num.partitions=abc", "--override", "log.dirs=" + dir);
        assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(outcome.running()).isNull();
        assertThat(err()).isEqualTo("kelpie-server: Invalid value abc for configuration num.partitions: must be an int"
                + System.lineSeparator());
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aWrongEnvironmentValueIsReportedTheSameWay() {
        Main.Outcome outcome = start(Map.of("KELPIE_MAX_CONNECTIONS", "-1"), "--override", "log.dirs=" + dir);
        assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("Invalid value -1 for configuration max.connections: must be at least 1");
    }

    @Test
    void aMissingPropertiesFileIsReported() {
        Main.Outcome outcome = start(Map.of(), dir.resolve("nope.properties").toString());
        assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).startsWith("kelpie-server: Cannot read properties file " + dir.resolve("nope.properties"));
    }

    @Test
    void storageOfAnotherNodeIsReportedWithoutStarting() throws IOException {
        Files.writeString(dir.resolve("meta.properties"), "version=1\nnode.id=5\ncluster.id=abc\ndirectory.id=def\n");
        Main.Outcome outcome = start(Map.of(), "--override", "log.dirs=" + dir, "--override", "node.id=1");
        assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).startsWith("kelpie-server: " + dir.resolve("meta.properties")
                + " says node.id=5 but the configuration says node.id=1");
    }

    @Test
    void storageOfAnotherClusterIsReportedWithoutStarting() throws IOException {
        Files.writeString(dir.resolve("meta.properties"),
                "version=1\nnode.id=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\ndirectory.id=def\n");
        Main.Outcome outcome = start(Map.of("KELPIE_CLUSTER_ID", "C516XB4vSjuMTV5veoucDQ"),
                "--override", "log.dirs=" + dir, "--override", "node.id=1");
        assertThat(outcome.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).startsWith("kelpie-server: " + dir.resolve("meta.properties")
                + " says cluster.id=MkU3OEVBNTcwNTJENDM2Qk but the configuration (cluster.id or KELPIE_CLUSTER_ID) "
                + "says cluster.id=C516XB4vSjuMTV5veoucDQ");
    }

    @Test
    void startedLineNamesListenerMetricsAndData() {
        BrokerConfig c = BrokerConfig.embeddedDefault();
        assertThat(Main.startedLine(c, 9092)).isEqualTo("Kelpie " + Main.version()
                + " started: listener PLAINTEXT://localhost:9092, metrics http://localhost:9404/metrics, data "
                + Path.of("data").toAbsolutePath());
        BrokerConfig wildcard = BrokerConfigLoader.load(Optional.empty(), Map.of(), List.of(
                "listeners=PLAINTEXT://:0", "advertised.listeners=PLAINTEXT://broker.example:0",
                "kelpie.metrics.port=0", "log.dirs=/a,/b")).config();
        assertThat(Main.startedLine(wildcard, 4321)).isEqualTo("Kelpie " + Main.version()
                + " started: listener PLAINTEXT://0.0.0.0:4321 (advertised as broker.example:4321), metrics off, "
                + "data /a,/b");
    }
}
