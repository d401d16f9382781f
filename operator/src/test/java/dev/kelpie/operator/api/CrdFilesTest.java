package dev.kelpie.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.operator.GoldenFiles;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under the repository's {@code crds/} must be exactly what crd-generator-maven-plugin
 * wrote from the model classes in this build. After changing a model class, regenerate them with
 * {@code -Dgolden.update=true}.
 */
class CrdFilesTest {

    private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
    private static final Path COMMITTED = Path.of("..", "crds");

    @Test
    void committedCrdsEqualGeneratedOnes() throws IOException {
        List<Path> generated = yamlFiles(GENERATED);
        assertThat(generated).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("clusters.kelpie.dev-v1.yml", "topics.kelpie.dev-v1.yml");
        for (Path file : generated) {
            GoldenFiles.assertMatches(COMMITTED.resolve(file.getFileName()),
                    Files.readString(file, StandardCharsets.UTF_8));
        }
        assertThat(yamlFiles(COMMITTED)).extracting(p -> p.getFileName().toString())
                .as("no stale CRD files in crds/")
                .containsExactlyInAnyOrderElementsOf(generated.stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void clusterCrdDeclaresValidationAndKubectlNames() throws IOException {
        CustomResourceDefinition crd = load("clusters.kelpie.dev-v1.yml");
        assertThat(crd.getSpec().getGroup()).isEqualTo("kelpie.dev");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("kc");
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("kelpie");
        var version = crd.getSpec().getVersions().get(0);
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getSubresources().getScale().getSpecReplicasPath()).isEqualTo(".spec.replicas");
        var spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("replicas", "storage");
        assertThat(spec.getProperties().get("replicas").getMinimum()).isEqualTo(1.0);
        var listener = spec.getProperties().get("listeners").getItems().getSchema();
        assertThat(listener.getProperties().get("type").getEnum()).extracting(Object::toString)
                .containsExactly("\"internal\"");
        assertThat(version.getAdditionalPrinterColumns()).extracting(c -> c.getName())
                .contains("Ready", "Warnings", "Desired", "Ready replicas");
    }

    @Test
    void topicCrdDeclaresImmutableNameAndDeletionPolicy() throws IOException {
        CustomResourceDefinition crd = load("topics.kelpie.dev-v1.yml");
        var spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getRequired()).containsExactly("cluster");
        assertThat(spec.getProperties().get("topicName").getXKubernetesValidations())
                .extracting(r -> r.getRule()).containsExactly("self == oldSelf");
        assertThat(spec.getProperties().get("deletionPolicy").getEnum()).extracting(Object::toString)
                .containsExactly("\"Delete\"", "\"Retain\"");
        assertThat(spec.getProperties().get("partitions").getMinimum()).isEqualTo(1.0);
    }

    private static CustomResourceDefinition load(String file) throws IOException {
        return new KubernetesSerialization().unmarshal(Files.readString(GENERATED.resolve(file)),
                CustomResourceDefinition.class);
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
