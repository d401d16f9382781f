package dev.kelpie.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {
    @TempDir
    Path root;

    private final Random random = new Random(42);
    private final Supplier<Uuid> uuids = () -> new Uuid(random.nextLong(), random.nextLong());

    private static Properties readMeta(Path dir) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void firstStartFormatsEveryDirectoryInKafkasFormat() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("nested/b");
        try (Storage s = Storage.open(List.of(a, b), 3, uuids)) {
            assertThat(s.formattedNow()).containsExactly(a, b);
            Properties pa = readMeta(a);
            Properties pb = readMeta(b);
            assertThat(pa.getProperty("version")).isEqualTo("1");
            assertThat(pa.getProperty("node.id")).isEqualTo("3");
            assertThat(pa.getProperty("cluster.id")).isEqualTo(s.clusterId()).hasSize(22)
                    .isEqualTo(pb.getProperty("cluster.id"));
            assertThat(Uuid.fromString(s.clusterId()).toString()).isEqualTo(s.clusterId());
            assertThat(pa.getProperty("directory.id")).hasSize(22).isNotEqualTo(pb.getProperty("directory.id"));
            assertThat(pa.stringPropertyNames()).containsExactlyInAnyOrder("version", "node.id", "cluster.id",
                    "directory.id");
            assertThat(a.resolve("meta.properties.tmp")).doesNotExist();
        }
    }

    @Test
    void laterStartsKeepTheIdentity() throws IOException {
        Path a = root.resolve("a");
        String clusterId;
        String directoryId;
        try (Storage s = Storage.open(List.of(a), 1, uuids)) {
            clusterId = s.clusterId();
            directoryId = s.directories().get(a).directoryId().orElseThrow();
        }
        Files.writeString(a.resolve("topic-0"), "log data");
        try (Storage s = Storage.open(List.of(a), 1, uuids)) {
            assertThat(s.clusterId()).isEqualTo(clusterId);
            assertThat(s.formattedNow()).isEmpty();
            assertThat(s.directories().get(a).directoryId()).contains(directoryId);
        }
    }

    @Test
    void aNewEmptyDirectoryJoinsTheExistingCluster() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        String clusterId;
        try (Storage s = Storage.open(List.of(a), 1, uuids)) {
            clusterId = s.clusterId();
        }
        try (Storage s = Storage.open(List.of(a, b), 1, uuids)) {
            assertThat(s.clusterId()).isEqualTo(clusterId);
            assertThat(s.formattedNow()).containsExactly(b);
            assertThat(readMeta(b).getProperty("cluster.id")).isEqualTo(clusterId);
        }
    }

    @Test
    void configuredClusterIdFormatsNewDirectoriesAndIsCheckedLater() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        String configured = "C516XB4vSjuMTV5veoucDQ";
        try (Storage s = Storage.open(List.of(a), 0, Optional.of(configured), uuids)) {
            assertThat(s.clusterId()).isEqualTo(configured);
            assertThat(readMeta(a).getProperty("cluster.id")).isEqualTo(configured);
        }
        try (Storage s = Storage.open(List.of(a, b), 0, Optional.of(configured), uuids)) {
            assertThat(s.formattedNow()).containsExactly(b);
            assertThat(readMeta(b).getProperty("cluster.id")).isEqualTo(configured);
        }
        try (Storage s = Storage.open(List.of(a, b), 0, Optional.empty(), uuids)) {
            assertThat(s.clusterId()).as("no configured id: the stored one is used").isEqualTo(configured);
        }
    }

    @Test
    void clusterIdDisagreeingWithTheConfigurationFails() throws IOException {
        Path a = root.resolve("a");
        String stored;
        try (Storage s = Storage.open(List.of(a), 1, uuids)) {
            stored = s.clusterId();
        }
        assertThatThrownBy(() -> Storage.open(List.of(a), 1, Optional.of("MkU3OEVBNTcwNTJENDM2Qk"), uuids))
                .isInstanceOf(StorageException.class)
                .hasMessage(a.resolve("meta.properties") + " says cluster.id=" + stored + " but the configuration "
                        + "(cluster.id or KELPIE_CLUSTER_ID) says cluster.id=MkU3OEVBNTcwNTJENDM2Qk; this data "
                        + "belongs to another cluster (use its id or other log.dirs)");
        // The failed open released its lock and wrote nothing.
        try (Storage s = Storage.open(List.of(a), 1, Optional.of(stored), uuids)) {
            assertThat(s.clusterId()).isEqualTo(stored);
        }
    }

    @Test
    void nodeIdDisagreeingWithTheConfigurationFails() throws IOException {
        Path a = root.resolve("a");
        Storage.open(List.of(a), 1, uuids).close();
        assertThatThrownBy(() -> Storage.open(List.of(a), 2, uuids)).isInstanceOf(StorageException.class)
                .hasMessage(a.resolve("meta.properties") + " says node.id=1 but the configuration says node.id=2; "
                        + "this data belongs to another node (use its node.id or other log.dirs)");
    }

    @Test
    void clusterIdsDisagreeingBetweenDirectoriesFail() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        Storage.open(List.of(a), 1, uuids).close();
        Storage.open(List.of(b), 1, uuids).close();
        assertThatThrownBy(() -> Storage.open(List.of(a, b), 1, uuids)).isInstanceOf(StorageException.class)
                .hasMessageContaining(b.resolve("meta.properties") + " says cluster.id=")
                .hasMessageContaining("the log dirs belong to different clusters");
    }

    @Test
    void copiedDirectoryIsDetected() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        Storage.open(List.of(a), 1, uuids).close();
        Files.createDirectories(b);
        Files.copy(a.resolve("meta.properties"), b.resolve("meta.properties"));
        assertThatThrownBy(() -> Storage.open(List.of(a, b), 1, uuids)).isInstanceOf(StorageException.class)
                .hasMessageContaining("carry the same directory.id");
    }

    @Test
    void nonEmptyUnformattedDirectoryIsRefused() throws IOException {
        Path a = root.resolve("a");
        Files.createDirectories(a.resolve("lost+found"));
        Files.writeString(a.resolve("holiday.jpg"), "not ours");
        assertThatThrownBy(() -> Storage.open(List.of(a), 1, uuids)).isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Log dir " + a + " is not empty (holiday.jpg, ...)");
        assertThat(a.resolve("meta.properties")).doesNotExist();
    }

    @Test
    void freshVolumeWithLostAndFoundAndATornTempFileIsFormatted() throws IOException {
        Path a = root.resolve("a");
        Files.createDirectories(a.resolve("lost+found"));
        Files.writeString(a.resolve("meta.properties.tmp"), "cluster.id=abc\nnode");
        try (Storage s = Storage.open(List.of(a), 1, uuids)) {
            assertThat(s.formattedNow()).containsExactly(a);
            assertThat(readMeta(a).getProperty("cluster.id")).isEqualTo(s.clusterId());
        }
    }

    @Test
    void kafkaFormattedDirectoryWithoutDirectoryIdIsAdopted() throws IOException {
        Path a = root.resolve("a");
        Files.createDirectories(a);
        Files.writeString(a.resolve("meta.properties"), "#\n#Tue Jan 02 10:00:00 UTC 2024\n"
                + "node.id=1\nversion=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n");
        try (Storage s = Storage.open(List.of(a), 1, uuids)) {
            assertThat(s.clusterId()).isEqualTo("MkU3OEVBNTcwNTJENDM2Qk");
            assertThat(s.formattedNow()).isEmpty();
            assertThat(readMeta(a).getProperty("directory.id")).hasSize(22);
            assertThat(readMeta(a).getProperty("cluster.id")).isEqualTo("MkU3OEVBNTcwNTJENDM2Qk");
        }
    }

    @Test
    void zookeeperEraMetaPropertiesIsRejected() throws IOException {
        Path a = root.resolve("a");
        Files.createDirectories(a);
        Files.writeString(a.resolve("meta.properties"), "version=0\nbroker.id=1\ncluster.id=x\n");
        assertThatThrownBy(() -> Storage.open(List.of(a), 1, uuids)).isInstanceOf(StorageException.class)
                .hasMessage(a.resolve("meta.properties") + " has version=0; Kelpie reads version 1 (KRaft) only");
    }

    @Test
    void malformedNodeIdIsRejected() throws IOException {
        Path a = root.resolve("a");
        Files.createDirectories(a);
        Files.writeString(a.resolve("meta.properties"), "version=1\nnode.id=one\ncluster.id=x\n");
        assertThatThrownBy(() -> Storage.open(List.of(a), 1, uuids)).isInstanceOf(StorageException.class)
                .hasMessageContaining("has node.id=one, which is not an int");
    }

    @Test
    void aLockedDirectoryIsRefusedUntilReleased() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        try (Storage first = Storage.open(List.of(b), 1, uuids)) {
            assertThat(first.clusterId()).isNotEmpty();
            assertThatThrownBy(() -> Storage.open(List.of(a, b), 1, uuids)).isInstanceOf(StorageException.class)
                    .hasMessage("Log dir " + b + " is in use by another broker process (.lock is locked)");
            // the failed open released the lock it had taken on a
            Storage.open(List.of(a), 1, uuids).close();
        }
        Storage.open(List.of(b), 1, uuids).close();
    }

    @Test
    void metaPropertiesRoundTrip() throws IOException {
        MetaProperties meta = new MetaProperties("abc", 5, Optional.of("def"));
        Files.createDirectories(root.resolve("x"));
        meta.write(root.resolve("x"));
        assertThat(MetaProperties.read(root.resolve("x"))).contains(meta);
        assertThat(MetaProperties.read(root.resolve("missing"))).isEmpty();
    }
}
