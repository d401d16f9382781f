package dev.kelpie.broker.log;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Counters of the log engine, shared by every log of one {@link LogEnvironment}; the metrics package binds
 * them to Micrometer ({@code kelpie_log_...}).
 *
 * <p>Thread-safety: lock-free adders and a volatile observer, safe from any thread.
 */
public final class LogMetrics {
    private final LongAdder fsyncs = new LongAdder();
    private volatile LongConsumer fsyncObserver = ns -> { };
    private final LongAdder recoveryTruncatedBytes = new LongAdder();
    private final LongAdder logsTakenOffline = new LongAdder();
    private final LongAdder cleanerBytesRead = new LongAdder();
    private final LongAdder cleanerBytesWritten = new LongAdder();
    private final LongAdder segmentsDeleted = new LongAdder();

    /** One fsync of segment or journal data that took {@code durationNs}. */
    void fsync(long durationNs) {
        fsyncs.increment();
        fsyncObserver.accept(durationNs);
    }

    /**
     * Receives the duration in nanoseconds of every later fsync of segment data, on the thread that fsynced
     * (a flusher or partition thread): it must be cheap and must not block.
     */
    public void observeFsyncs(LongConsumer durationNsObserver) {
        this.fsyncObserver = Objects.requireNonNull(durationNsObserver, "durationNsObserver");
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

    /** fsyncs of journal passes and of segment data (group commit, interval flushes, rolls). */
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
