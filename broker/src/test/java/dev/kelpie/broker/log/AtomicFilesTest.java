package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesContentAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("state");
        AtomicFiles.writeString(target, "one");
        AtomicFiles.writeString(target, "two");
        assertThat(target).hasContent("two");
        assertThat(dir.resolve("state.tmp")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void partitionCheckpointRoundTripsAndToleratesGarbage() throws Exception {
        PartitionCheckpoint cp = new PartitionCheckpoint(42, 7, 30, true);
        cp.write(dir);
        assertThat(PartitionCheckpoint.read(dir)).isEqualTo(cp);
        Files.writeString(dir.resolve(PartitionCheckpoint.FILE_NAME), "garbage");
        assertThat(PartitionCheckpoint.read(dir)).isEqualTo(PartitionCheckpoint.EMPTY);
    }
}
