package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the files of a {@link LogJournal} (format in its Javadoc) in sequence order and hands each valid entry to
 * its log, skipping padding entries. A file ends at its first entry that does not check out (a torn tail, or
 * blocks of an older file).
 */
final class JournalReplay {
    private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);
    private static final int TOPIC_BYTES_MAX = 249;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /**
     * @param files the journal files found, oldest first
     * @param lastSequence the highest sequence found, 0 when none
     * @param entriesApplied entries that appended at least one batch
     * @param extendedLogs the logs that grew
     */
    record Result(List<Path> files, long lastSequence, long entriesApplied, Set<SegmentedLog> extendedLogs) {}

    /** One entry as read. */
    record Entry(TopicPartition tp, long generation, MemoryRecords records) {}

    private JournalReplay() {}

    static Result replay(Path dir, Map<TopicPartition, SegmentedLog> logs) throws IOException {
        List<Path> files = journalFiles(dir);
        long lastSequence = 0;
        long applied = 0;
        Set<SegmentedLog> extended = new LinkedHashSet<>();
        for (Path file : files) {
            long sequence = sequenceOf(file);
            lastSequence = Math.max(lastSequence, sequence);
            for (Entry e : read(file, sequence)) {
                SegmentedLog log = logs.get(e.tp());
                if (log != null && log.journalGeneration() == e.generation()
                        && log.replayJournal(e.records(), file.getFileName().toString())) {
                    applied++;
                    extended.add(log);
                }
            }
        }
        return new Result(files, lastSequence, applied, extended);
    }

    static List<Path> journalFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + LogJournal.SUFFIX)) {
            for (Path p : stream) {
                if (sequenceOf(p) >= 0) {
                    files.add(p);
                }
            }
        }
        files.sort((a, b) -> Long.compare(sequenceOf(a), sequenceOf(b)));
        return files;
    }

    private static long sequenceOf(Path file) {
        String name = file.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - LogJournal.SUFFIX.length()));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }

    /** The valid entries of one file, up to the first that is not. */
    static List<Entry> read(Path file, long sequence) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer fixed = ByteBuffer.allocate(LogJournal.FIXED_HEADER_BYTES);
            while (readFully(ch, fixed.clear())) {
                fixed.flip();
                int crc = fixed.getInt();
                int topicLength = fixed.getShort();
                long entrySequence = fixed.getLong();
                long generation = fixed.getLong();
                int partition = fixed.getInt();
                int recordsLength = fixed.getInt();
                if (topicLength < 0 || topicLength > TOPIC_BYTES_MAX || recordsLength < 0
                        || recordsLength > size - ch.position() - topicLength) {
                    break;
                }
                if (topicLength == 0) {
                    if (partition != -1 || entrySequence != sequence || crc != headerCrc(fixed, EMPTY, 0)) {
                        break;
                    }
                    ch.position(ch.position() + recordsLength); // padding to the pass's block boundary
                    continue;
                }
                ByteBuffer rest = ByteBuffer.allocate(topicLength + recordsLength);
                if (!readFully(ch, rest) || entrySequence != sequence
                        || crc != headerCrc(fixed, rest, topicLength)) {
                    break;
                }
                String topic = new String(rest.array(), 0, topicLength, StandardCharsets.UTF_8);
                MemoryRecords records = MemoryRecords.readableRecords(rest.position(topicLength).slice());
                if (!isWhole(records)) {
                    break;
                }
                entries.add(new Entry(new TopicPartition(topic, partition), generation, records));
            }
            if (ch.position() < size) {
                LOG.info("Journal file {} ends at byte {} of {}: the rest was never acknowledged", file,
                        ch.position(), size);
            }
        }
        return entries;
    }

    private static int headerCrc(ByteBuffer fixed, ByteBuffer rest, int topicLength) {
        CRC32C crc = new CRC32C();
        crc.update(fixed.array(), 4, LogJournal.FIXED_HEADER_BYTES - 4);
        crc.update(rest.array(), 0, topicLength);
        return (int) crc.getValue();
    }

    /** Every batch is complete and passes its CRC, and together they fill the entry. */
    private static boolean isWhole(MemoryRecords records) {
        int bytes = 0;
        try {
            for (MutableRecordBatch batch : records.batches()) {
                batch.ensureValid();
                bytes += batch.sizeInBytes();
            }
        } catch (RuntimeException e) {
            return false;
        }
        return bytes == records.sizeInBytes() && bytes > 0;
    }

    private static boolean readFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (ch.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }
}
