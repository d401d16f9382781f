package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-partition checkpoint file {@code partition.checkpoint}: Kafka keeps the same facts in per-log-dir
 * files ({@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint},
 * {@code cleaner-offset-checkpoint}, {@code .kafka_cleanshutdown}); Kelpie keeps them next to the segments so
 * a partition directory is self-contained and can be opened on its own.
 *
 * <p>Format (text, {@code key value} per line after a version line):
 * <pre>
 *   kelpie-partition-checkpoint 1
 *   recoveryPoint 1234        every offset below is fsynced and was verified
 *   logStartOffset 100        first offset visible to readers
 *   cleanerOffset 900         first offset not yet compacted
 *   highWatermark 1200        last high watermark set by replication, -1 when never set
 *   cleanShutdown false       true only between a clean close and the next open
 *   journalGeneration 8813    entries of the log dir's {@link LogJournal} with another generation are not this
 *                             log's (written before a truncation, or for a deleted log of the same name); absent
 *                             or 0: none yet
 * </pre>
 * Written with {@link AtomicFiles#write}. A missing or malformed file reads as {@link #EMPTY}: recovery then
 * scans the whole log, which is always safe.
 *
 * <p>Thread-safety: immutable; writers of one file are serialised by the owning {@link SegmentedLog}.
 *
 * @param recoveryPoint offsets below it need no scan on open
 * @param logStartOffset log start offset
 * @param cleanerOffset first dirty offset for compaction
 * @param highWatermark the replication layer's high watermark at the time of writing, or -1
 * @param cleanShutdown whether the log was closed cleanly (indexes trimmed, everything flushed)
 * @param journalGeneration which journal entries belong to this log, 0 when none yet
 */
record PartitionCheckpoint(long recoveryPoint, long logStartOffset, long cleanerOffset, long highWatermark,
        boolean cleanShutdown, long journalGeneration) {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionCheckpoint.class);
    static final String FILE_NAME = "partition.checkpoint";
    private static final String HEADER = "kelpie-partition-checkpoint 1";

    static final PartitionCheckpoint EMPTY = new PartitionCheckpoint(0, 0, 0, -1, false, 0);

    PartitionCheckpoint(long recoveryPoint, long logStartOffset, long cleanerOffset, long highWatermark,
            boolean cleanShutdown) {
        this(recoveryPoint, logStartOffset, cleanerOffset, highWatermark, cleanShutdown, 0);
    }

    static PartitionCheckpoint read(Path partitionDir) throws IOException {
        Path file = partitionDir.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
        try {
            if (lines.isEmpty() || !lines.get(0).trim().equals(HEADER)) {
                throw new IllegalArgumentException("bad header");
            }
            Map<String, String> kv = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2) {
                    kv.put(parts[0], parts[1]);
                }
            }
            return new PartitionCheckpoint(Long.parseLong(kv.get("recoveryPoint")),
                    Long.parseLong(kv.get("logStartOffset")), Long.parseLong(kv.get("cleanerOffset")),
                    Long.parseLong(kv.getOrDefault("highWatermark", "-1")),
                    Boolean.parseBoolean(kv.get("cleanShutdown")),
                    Long.parseLong(kv.getOrDefault("journalGeneration", "0")));
        } catch (RuntimeException e) {
            LOG.warn("Ignoring malformed {} ({}): the whole log will be recovered", file, e.toString());
            return EMPTY;
        }
    }

    void write(Path partitionDir) throws IOException {
        String text = HEADER + "\nrecoveryPoint " + recoveryPoint + "\nlogStartOffset " + logStartOffset
                + "\ncleanerOffset " + cleanerOffset + "\nhighWatermark " + highWatermark + "\ncleanShutdown "
                + cleanShutdown + "\njournalGeneration " + journalGeneration + "\n";
        AtomicFiles.writeString(partitionDir.resolve(FILE_NAME), text);
    }
}
