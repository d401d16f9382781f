package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {
    @TempDir
    Path dir;

    @Test
    void offsetIndexLooksUpFloorEntriesAndPersistsKafkaLayout() throws Exception {
        Path file = dir.resolve("00000000000000000100.index");
        try (OffsetIndex idx = new OffsetIndex(file, 100, 4096)) {
            assertThat(Files.size(file)).isEqualTo(4096);
            assertThat(idx.lookup(150)).isEqualTo(new OffsetIndex.Entry(100, 0));
            idx.append(110, 500);
            idx.append(130, 900);
            idx.append(131, 1000);
            assertThat(idx.lookup(109)).isEqualTo(new OffsetIndex.Entry(100, 0));
            assertThat(idx.lookup(110)).isEqualTo(new OffsetIndex.Entry(110, 500));
            assertThat(idx.lookup(129)).isEqualTo(new OffsetIndex.Entry(110, 500));
            assertThat(idx.lookup(1_000)).isEqualTo(new OffsetIndex.Entry(131, 1000));
            assertThat(idx.floorByPosition(950)).isEqualTo(new OffsetIndex.Entry(130, 900));
            assertThatThrownBy(() -> idx.append(131, 2000)).isInstanceOf(IllegalStateException.class);
            idx.trimToValidSize();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.remaining()).isEqualTo(24);
        assertThat(bytes.getInt(0)).isEqualTo(10);
        assertThat(bytes.getInt(4)).isEqualTo(500);
        assertThat(bytes.getInt(16)).isEqualTo(31);
        assertThat(bytes.getInt(20)).isEqualTo(1000);
        try (OffsetIndex idx = new OffsetIndex(file, 100, 4096)) {
            assertThat(idx.entries()).isEqualTo(3);
            assertThat(idx.isFull()).isTrue();
            idx.resize(4096);
            idx.truncateToOffset(130);
            assertThat(idx.entries()).isEqualTo(1);
            assertThat(idx.lastEntry()).isEqualTo(new OffsetIndex.Entry(110, 500));
        }
    }

    @Test
    void preallocatedTailLeftByACrashIsNotTakenForEntries() throws Exception {
        Path file = dir.resolve("00000000000000000000.index");
        try (OffsetIndex idx = new OffsetIndex(file, 0, 4096)) {
            idx.append(5, 100);
            idx.append(9, 200);
            idx.flush();
        }
        try (OffsetIndex idx = new OffsetIndex(file, 0, 4096)) {
            assertThat(Files.size(file)).isEqualTo(4096);
            assertThat(idx.entries()).isEqualTo(2);
        }
    }

    @Test
    void timeIndexKeepsStrictlyIncreasingTimestamps() throws Exception {
        Path file = dir.resolve("00000000000000000050.timeindex");
        try (TimeIndex idx = new TimeIndex(file, 50, 4096)) {
            assertThat(idx.lookup(1_000)).isEqualTo(new TimeIndex.Entry(-1, 50));
            idx.maybeAppend(1_000, 52);
            idx.maybeAppend(1_000, 55);
            idx.maybeAppend(900, 56);
            idx.maybeAppend(2_000, 60);
            assertThat(idx.entries()).isEqualTo(2);
            assertThat(idx.lookup(999)).isEqualTo(new TimeIndex.Entry(-1, 50));
            assertThat(idx.lookup(1_500)).isEqualTo(new TimeIndex.Entry(1_000, 52));
            assertThat(idx.lookup(5_000)).isEqualTo(new TimeIndex.Entry(2_000, 60));
            idx.trimToValidSize();
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.remaining()).isEqualTo(24);
        assertThat(bytes.getLong(12)).isEqualTo(2_000);
        assertThat(bytes.getInt(20)).isEqualTo(10);
        try (TimeIndex idx = new TimeIndex(file, 50, 4096)) {
            assertThat(idx.lastEntry()).isEqualTo(new TimeIndex.Entry(2_000, 60));
        }
    }
}
