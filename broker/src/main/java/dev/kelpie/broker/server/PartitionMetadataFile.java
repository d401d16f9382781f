package dev.kelpie.broker.server;

import dev.kelpie.broker.log.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * Kafka's {@code partition.metadata} file in a partition directory: which topic id the data belongs to.
 *
 * <pre>
 * version: 0
 * topic_id: &lt;base64 Uuid&gt;
 * </pre>
 *
 * Written atomically (temp file, fsync, rename, fsync directory) when the broker creates the partition. At
 * start-up a directory whose topic id differs from the image's (the topic was deleted and re-created while
 * its old directory survived a crash) is deleted instead of being served as the new topic's data.
 *
 * <p>Thread-safety: stateless.
 */
final class PartitionMetadataFile {
    static final String FILE_NAME = "partition.metadata";

    private PartitionMetadataFile() {
    }

    static void write(Path partitionDir, Uuid topicId) {
        try {
            AtomicFiles.writeString(partitionDir.resolve(FILE_NAME), "version: 0\ntopic_id: " + topicId + "\n");
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write " + partitionDir.resolve(FILE_NAME) + ": " + e, e);
        }
    }

    /** The recorded topic id; empty when the file is missing or unreadable. */
    static Optional<Uuid> read(Path partitionDir) {
        try {
            List<String> lines = Files.readAllLines(partitionDir.resolve(FILE_NAME), StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith("topic_id:")) {
                    return Optional.of(Uuid.fromString(line.substring("topic_id:".length()).trim()));
                }
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
