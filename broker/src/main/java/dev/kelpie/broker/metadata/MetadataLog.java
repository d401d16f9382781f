package dev.kelpie.broker.metadata;

import java.util.List;

/**
 * Where metadata records are committed. The single-node {@link LocalMetadataLog} commits to a local file;
 * a replicated Raft log can replace it later: the {@link Controller} and every handler stay as they are.
 *
 * <p>Thread-safety: {@link #append} is called only by the controller thread; {@link #readAll} only before
 * the controller starts.
 */
public interface MetadataLog extends AutoCloseable {

    /** A committed record and its offset in the log. */
    record Entry(long offset, MetadataRecord record) {}

    /** Every committed record, in log order. */
    List<Entry> readAll();

    /**
     * Commits {@code records} as one atomic unit: after a crash either all of them are replayed or none.
     * Returns when they are durable; returns the offset of the last one.
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException when the log cannot be written
     */
    long append(List<MetadataRecord> records);

    @Override
    void close();
}
