package dev.kelpie.broker.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the log engine, shared by every log of one {@link LogEnvironment}; the metrics package binds
 * them to Micrometer ({@code kelpie_log_...}).
 *
 * <p>Thread-safety: lock-free adders, safe from any thread.
 */
public final class LogMetrics {
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder recoveryTruncatedBytes = new LongAdder();
    private final LongAdder logsTakenOffline = new LongAdder();
    private final LongAdder cleanerBytesRead = new LongAdder();
    private final LongAdder cleanerBytesWritten = new LongAdder();
    private final LongAdder segmentsDeleted = new LongAdder();

    void fsync() {
        fsyncs.increment();
    }

    void recoveryTruncated(long bytes) {
        recoveryTruncatedBytes.add(bytes);
    }

    void logOffline() {
        logsTakenOffline.increment();
    }

    void cleaned(long bytesRead, long bytesWritten) {
        cleanerBytesRead.add(bytesRead);
        cleanerBytesWritten.add(bytesWritten);
    }

    void segmentDeleted() {
        segmentsDeleted.increment();
    }

    /** fsyncs of segment data by group commit, interval flushes and rolls. */
    public long fsyncCount() {
        return fsyncs.sum();
    }

    /** Bytes cut off torn or corrupt segment tails during recovery. */
    public long recoveryTruncatedBytes() {
        return recoveryTruncatedBytes.sum();
    }

    /** Logs that went offline after an I/O error or corruption. */
    public long logsTakenOffline() {
        return logsTakenOffline.sum();
    }

    public long cleanerBytesRead() {
        return cleanerBytesRead.sum();
    }

    public long cleanerBytesWritten() {
        return cleanerBytesWritten.sum();
    }

    public long segmentsDeleted() {
        return segmentsDeleted.sum();
    }
}
