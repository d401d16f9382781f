package dev.kelpie.broker.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.metadata.MetadataRecord.ConfigRecord;
import dev.kelpie.broker.metadata.MetadataRecord.PartitionRecord;
import dev.kelpie.broker.metadata.MetadataRecord.ProducerIdsRecord;
import dev.kelpie.broker.metadata.MetadataRecord.RegisterBrokerRecord;
import dev.kelpie.broker.metadata.MetadataRecord.RemoveTopicRecord;
import dev.kelpie.broker.metadata.MetadataRecord.TopicRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMetadataLogTest {
    @TempDir
    Path dir;

    private final Uuid topicId = Uuid.randomUuid();
    private final List<MetadataRecord> first = List.of(
            new RegisterBrokerRecord(1, "localhost", 9092, null),
            new TopicRecord("orders", topicId),
            new PartitionRecord(topicId, 0, List.of(1), List.of(1), 1, 0),
            new ConfigRecord(ConfigResource.Type.TOPIC, "orders", "retention.ms", "1000"));
    private final List<MetadataRecord> second = List.of(
            new ConfigRecord(ConfigResource.Type.TOPIC, "orders", "retention.ms", null),
            new ProducerIdsRecord(1, 1000),
            new RemoveTopicRecord(topicId));

    @Test
    void everyRecordTypeRoundTripsThroughTheSerde() {
        for (MetadataRecord r : concat(first, second)) {
            assertThat(MetadataRecordSerde.read(MetadataRecordSerde.key(r), MetadataRecordSerde.value(r)))
                    .isEqualTo(r);
        }
    }

    @Test
    void appendedRecordsAreReplayedAfterReopenWithOffsets() {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            assertThat(log.readAll()).isEmpty();
            assertThat(log.append(first)).isEqualTo(3);
            assertThat(log.append(second)).isEqualTo(6);
        }
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            List<MetadataLog.Entry> entries = log.readAll();
            assertThat(entries).extracting(MetadataLog.Entry::record).containsExactlyElementsOf(concat(first, second));
            assertThat(entries).extracting(MetadataLog.Entry::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(log.append(List.of(new ProducerIdsRecord(1, 2000)))).isEqualTo(7);
        }
    }

    @Test
    void tornLastBatchIsTruncatedAndEarlierBatchesSurvive() throws IOException {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            log.append(first);
            log.append(second);
        }
        Path file = dir.resolve(LocalMetadataLog.FILE_NAME);
        long full = Files.size(file);
        long firstBatchEnd = full - sizeOfBatch(second);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(full - 5);
        }
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            assertThat(log.readAll()).extracting(MetadataLog.Entry::record).containsExactlyElementsOf(first);
            assertThat(Files.size(file)).isEqualTo(firstBatchEnd);
            assertThat(log.append(second)).isEqualTo(6);
        }
    }

    @Test
    void lastBatchFailingItsCrcIsTruncated() throws IOException {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            log.append(first);
            log.append(second);
        }
        Path file = dir.resolve(LocalMetadataLog.FILE_NAME);
        flipByte(file, Files.size(file) - 3);
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            assertThat(log.readAll()).extracting(MetadataLog.Entry::record).containsExactlyElementsOf(first);
        }
    }

    @Test
    void garbageAfterTheLastBatchIsTruncated() throws IOException {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            log.append(first);
        }
        Path file = dir.resolve(LocalMetadataLog.FILE_NAME);
        long size = Files.size(file);
        Files.write(file, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                StandardOpenOption.APPEND);
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            assertThat(log.readAll()).hasSize(first.size());
        }
        assertThat(Files.size(file)).isEqualTo(size);
    }

    @Test
    void corruptionBeforeTheLastBatchRefusesToOpen() throws IOException {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            log.append(first);
            log.append(second);
        }
        Path file = dir.resolve(LocalMetadataLog.FILE_NAME);
        flipByte(file, 70);
        assertThatThrownBy(() -> LocalMetadataLog.open(dir, Clock.SYSTEM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("position 0");
    }

    @Test
    void rewriteReplacesTheLogWithASnapshot() {
        MetadataImage image;
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            log.append(first);
            log.append(List.of(new ConfigRecord(ConfigResource.Type.TOPIC, "orders", "retention.ms", "5")));
            image = replay(log.readAll());
            assertThat(image.topicConfigs("orders")).containsEntry("retention.ms", "5");
            assertThat(log.rewrite(image.toRecords())).isEqualTo(4);
        }
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, Clock.SYSTEM)) {
            assertThat(log.size()).isEqualTo(4);
            MetadataImage reloaded = replay(log.readAll());
            assertThat(reloaded.topics()).isEqualTo(image.topics());
            assertThat(reloaded.topicConfigs("orders")).isEqualTo(image.topicConfigs("orders"));
            assertThat(reloaded.brokers()).isEqualTo(image.brokers());
        }
    }

    private static MetadataImage replay(List<MetadataLog.Entry> entries) {
        MetadataImage.Builder b = MetadataImage.empty("c").toBuilder();
        entries.forEach(e -> b.apply(e.offset(), e.record()));
        return b.build();
    }

    private int sizeOfBatch(List<MetadataRecord> records) throws IOException {
        Path other = Files.createTempDirectory(dir, "size");
        try (LocalMetadataLog log = LocalMetadataLog.open(other, Clock.SYSTEM)) {
            log.append(records);
        }
        return (int) Files.size(other.resolve(LocalMetadataLog.FILE_NAME));
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.flip();
            b.put(0, (byte) (b.get(0) ^ 0x5a));
            ch.write(b, position);
        }
    }

    private static List<MetadataRecord> concat(List<MetadataRecord> a, List<MetadataRecord> b) {
        List<MetadataRecord> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
