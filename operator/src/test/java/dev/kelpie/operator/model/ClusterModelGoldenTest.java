package dev.kelpie.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.operator.GoldenFiles;
import dev.kelpie.operator.api.Cluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each directory under {@code src/test/resources/golden/} holds a Cluster ({@code cluster.yaml}),
 * the problems validation finds in it ({@code problems.yaml}) and, when none blocks, every resource the
 * model derives from it ({@code resources.yaml}).
 */
class ClusterModelGoldenTest {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    static final OperatorDefaults DEFAULTS = new OperatorDefaults("kelpie/broker", "0.1.0");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(GoldenFiles.sourceDir())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void modelMatchesGoldenFiles(String name) throws IOException {
        Path dir = GoldenFiles.sourceDir().resolve(name);
        Cluster cluster = YAML.unmarshal(Files.readString(dir.resolve("cluster.yaml")), Cluster.class);

        List<SpecProblem> problems = ClusterValidation.problems(cluster);
        GoldenFiles.assertMatches(dir.resolve("problems.yaml"), problemsYaml(problems));

        Path resourcesFile = dir.resolve("resources.yaml");
        if (ClusterValidation.anyBlocking(problems)) {
            assertThat(resourcesFile).as("a refused spec derives nothing").doesNotExist();
            return;
        }
        ClusterModel model = ClusterModel.of(cluster, DEFAULTS);
        GoldenFiles.assertMatches(resourcesFile, resourcesYaml(model.resources()));
        assertThat(ClusterModel.of(cluster, DEFAULTS).restartHash()).as("deterministic").isEqualTo(model.restartHash());
    }

    private static String resourcesYaml(List<HasMetadata> resources) {
        return resources.stream().map(YAML::asYaml).collect(Collectors.joining());
    }

    private static String problemsYaml(List<SpecProblem> problems) {
        if (problems.isEmpty()) {
            return "[]\n";
        }
        return problems.stream()
                .map(p -> "- reason: " + p.reason() + "\n  blocking: " + p.blocking() + "\n  message: \""
                        + p.message().replace("\"", "\\\"") + "\"\n")
                .collect(Collectors.joining());
    }
}
