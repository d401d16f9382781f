package dev.kelpie.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.config.BrokerConfigLoader;
import dev.kelpie.operator.GoldenFiles;
import dev.kelpie.operator.api.Cluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator and the broker agree on the contract between them: for every golden Cluster the operator
 * accepts, the broker's own configuration loader reads the ConfigMap's {@code server.properties} together
 * with the {@code KELPIE_*} variables the pod's start command really exports (the command runs in
 * {@code /bin/sh}, with {@code exec env} in place of the broker), and comes out with the pod's node id, its
 * advertised DNS name, the listener and metrics ports of the container, a log dir on the data volume and the
 * Cluster's cluster id; the only keys it reports unknown are {@code spec.config} keys Kelpie does not use.
 */
class BrokerContractTest {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    @TempDir
    Path dir;

    static Stream<String> acceptedCases() throws IOException {
        return ClusterModelGoldenTest.cases().filter(name -> !ClusterValidation.anyBlocking(
                ClusterValidation.problems(cluster(name))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedCases")
    void theBrokerLoadsWhatTheOperatorWrites(String name) throws Exception {
        Cluster cluster = cluster(name);
        ClusterModel model = ClusterModel.of(cluster, ClusterModelGoldenTest.DEFAULTS);
        Path properties = dir.resolve(BrokerCommand.CONFIG_FILE);
        Files.writeString(properties, model.configMap().getData().get(BrokerCommand.CONFIG_FILE),
                StandardCharsets.UTF_8);
        Container container = model.statefulSet().getSpec().getTemplate().getSpec().getContainers().get(0);

        for (int ordinal : List.of(0, model.spec().replicas() - 1)) {
            Map<String, String> env = podEnvironment(container, model.spec().names().pod(ordinal));
            BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(Optional.of(properties), env, List.of());

            Set<String> userKeys = cluster.getSpec().getConfig() == null ? Set.of()
                    : cluster.getSpec().getConfig().keySet();
            assertThat(loaded.warnings()).as("only spec.config keys Kelpie does not know").allSatisfy(warning ->
                    assertThat(userKeys).anySatisfy(key ->
                            assertThat(warning).startsWith("Ignoring unknown configuration " + key + " ")));
            assertThat(loaded.clusterId()).contains(ClusterIds.of(cluster));
            BrokerConfig config = loaded.config();
            ResolvedSpec.Listener listener = model.spec().listeners().get(0);
            assertThat(config.nodeId()).isEqualTo(ordinal);
            assertThat(config.listenerPort()).isEqualTo(listener.port()).isEqualTo(containerPort(container,
                    listener.name()));
            assertThat(config.advertisedHost()).isEqualTo(model.spec().names().podHost(ordinal));
            assertThat(config.advertisedPort()).isEqualTo(listener.port());
            assertThat(config.metricsPort()).isEqualTo(containerPort(container, PodTemplateFactory.METRICS_PORT_NAME));
            assertThat(config.logDirs()).singleElement().satisfies(logDir -> assertThat(container.getVolumeMounts())
                    .anySatisfy(mount -> {
                        assertThat(mount.getName()).isEqualTo("data");
                        assertThat(logDir.startsWith(Path.of(mount.getMountPath()))).isTrue();
                    }));
            assertThat(env.get("KELPIE_PROCESS_ROLES")).isEqualTo(ordinal < model.spec().voters()
                    ? "broker,controller" : "broker");
        }
    }

    /** Runs the container's start command with {@code env} in place of the broker and collects its KELPIE_*. */
    private static Map<String, String> podEnvironment(Container container, String hostName) throws Exception {
        String brokerStart = "exec " + BrokerCommand.SERVER_SCRIPT + " " + BrokerCommand.CONFIG_DIR + "/"
                + BrokerCommand.CONFIG_FILE;
        List<String> command = container.getCommand();
        assertThat(command).hasSize(3).startsWith("/bin/sh", "-ec");
        assertThat(command.get(2)).contains(brokerStart);
        ProcessBuilder process = new ProcessBuilder("/bin/sh", "-ec", command.get(2).replace(brokerStart, "exec env"));
        process.environment().clear();
        process.environment().put("HOSTNAME", hostName);
        for (EnvVar var : container.getEnv()) {
            process.environment().put(var.getName(), var.getValue());
        }
        process.redirectErrorStream(true);
        Process running = process.start();
        String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(running.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(running.exitValue()).as(output).isZero();
        Map<String, String> env = new HashMap<>();
        output.lines().filter(line -> line.startsWith("KELPIE_") && line.contains("="))
                .forEach(line -> env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        assertThat(env).containsKeys("KELPIE_NODE_ID", "KELPIE_PROCESS_ROLES", "KELPIE_ADVERTISED_LISTENERS",
                "KELPIE_CLUSTER_ID");
        return env;
    }

    private static int containerPort(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow();
    }

    private static Cluster cluster(String name) {
        try {
            return YAML.unmarshal(Files.readString(GoldenFiles.sourceDir().resolve(name).resolve("cluster.yaml")),
                    Cluster.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
