package dev.kelpie.broker.metadata;

import dev.kelpie.broker.common.Clock;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node metadata log: one file {@code <dir>/00000000000000000000.log} of Kafka v2 record batches
 * (written and read with kafka-clients' {@code MemoryRecords}/{@code FileRecords}, so
 * {@code kafka-dump-log} can print it). Each {@link #append} is one uncompressed batch, fsynced before it
 * returns, so a batch is the unit of atomicity: one controller operation, all of its records or none.
 * Each Kafka record holds one {@link MetadataRecord} encoded by {@link MetadataRecordSerde} (key = type,
 * value = version + fields).
 *
 * <p>Recovery on open: batches are read in order and their CRCs checked. A tail that is cut short or fails
 * its CRC is a torn last write and is truncated (logged with the byte count). A CRC failure followed by
 * more bytes is corruption of committed metadata: opening fails with an error naming the file and position
 * rather than silently dropping committed changes.
 *
 * <p>Compaction: {@link #rewrite} atomically replaces the file by a snapshot of the image (temp file, fsync,
 * rename, fsync directory). Offsets then restart from 0; nothing outside the log depends on them across
 * restarts.
 *
 * <p>Why not a {@code PartitionLog}: the metadata log must be readable before any partition log is
 * recovered, it needs no index, retention or zero-copy reads, and keeping it separate means a
 * partition-log bug can never lose topic definitions. The replicated controller replaces this class.
 *
 * <p>Thread-safety: not thread-safe; owned by the controller thread after start-up.
 */
public final class LocalMetadataLog implements MetadataLog {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMetadataLog.class);
    static final String FILE_NAME = "00000000000000000000.log";

    private final Path dir;
    private final Clock clock;
    private FileRecords file;
    private long nextOffset;

    private LocalMetadataLog(Path dir, Clock clock) throws IOException {
        this.dir = dir;
        this.clock = clock;
        Files.createDirectories(dir);
        Path path = dir.resolve(FILE_NAME);
        boolean created = !Files.exists(path);
        this.file = FileRecords.open(path.toFile());
        if (created) {
            Utils.flushDir(dir);
        }
        recover();
    }

    /** Opens (creating if needed) the log in {@code dir} and recovers it. */
    public static LocalMetadataLog open(Path dir, Clock clock) {
        try {
            return new LocalMetadataLog(dir, clock);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot open the metadata log in " + dir + ": " + e, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Offset the next record gets. */
    public long nextOffset() {
        return nextOffset;
    }

    private void recover() throws IOException {
        int validBytes = 0;
        Iterator<FileChannelRecordBatch> batches = file.batches().iterator();
        try {
            while (batches.hasNext()) {
                FileChannelRecordBatch batch = batches.next();
                int end = batch.position() + batch.sizeInBytes();
                if (!batch.isValid()) {
                    if (end < file.sizeInBytes()) {
                        throw new IllegalStateException("Metadata log " + file.file() + " is corrupt at position "
                                + batch.position() + " (CRC mismatch before the last batch); refusing to start");
                    }
                    break;
                }
                nextOffset = batch.nextOffset();
                validBytes = end;
            }
        } catch (CorruptRecordException e) {
            LOG.warn("Metadata log {}: unreadable batch header at position {}: {}", file.file(), validBytes,
                    e.getMessage());
        }
        int torn = file.sizeInBytes() - validBytes;
        if (torn > 0) {
            LOG.warn("Metadata log {}: truncating {} bytes of a torn last write at position {}", file.file(), torn,
                    validBytes);
            file.truncateTo(validBytes);
            file.flush();
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        return buffer == null ? null : Utils.toArray(buffer);
    }

    @Override
    public List<Entry> readAll() {
        List<Entry> entries = new ArrayList<>();
        for (FileChannelRecordBatch batch : file.batches()) {
            for (Record r : batch) {
                entries.add(new Entry(r.offset(), MetadataRecordSerde.read(bytes(r.key()), bytes(r.value()))));
            }
        }
        return entries;
    }

    @Override
    public long append(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("empty metadata append");
        }
        MemoryRecords batch = toBatch(nextOffset, records);
        try {
            file.append(batch);
            file.flush();
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write the metadata log " + file.file() + ": " + e, e);
        }
        nextOffset += records.size();
        return nextOffset - 1;
    }

    private MemoryRecords toBatch(long baseOffset, List<MetadataRecord> records) {
        long now = clock.wallMs();
        SimpleRecord[] simple = new SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++) {
            MetadataRecord r = records.get(i);
            simple[i] = new SimpleRecord(now, MetadataRecordSerde.key(r), MetadataRecordSerde.value(r));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, simple);
    }

    /** Number of records in the log. */
    public long size() {
        return nextOffset;
    }

    /**
     * Replaces the whole log by {@code snapshot} (the records of the current image) atomically. Returns the
     * offset the next append gets.
     */
    public long rewrite(List<MetadataRecord> snapshot) {
        Path target = dir.resolve(FILE_NAME);
        Path temp = dir.resolve(FILE_NAME + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                if (!snapshot.isEmpty()) {
                    ByteBuffer buffer = toBatch(0, snapshot).buffer();
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                }
                out.force(true);
            }
            file.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Utils.flushDir(dir);
            file = FileRecords.open(target.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rewrite the metadata log in " + dir, e);
        }
        nextOffset = snapshot.size();
        return nextOffset;
    }

    @Override
    public void close() {
        try {
            file.flush();
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close the metadata log " + file.file(), e);
        }
    }

    File file() {
        return file.file();
    }
}
