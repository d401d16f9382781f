package dev.kelpie.broker.log;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the logs of one broker share: the {@link GroupCommitFlusher}, a scheduler for delayed file deletion
 * and the {@link LogMetrics}. Owned by {@link LogManager}; a log opened on its own gets a private one that
 * it closes with itself.
 *
 * <p>Thread-safety: all members are thread-safe.
 */
public final class LogEnvironment implements AutoCloseable {
    private final GroupCommitFlusher flusher;
    private final ScheduledExecutorService scheduler;
    private final LogMetrics metrics = new LogMetrics();
    private final long producerIdExpirationMs;
    private final long rollFlushDelayMs;

    /** Kafka's default {@code producer.id.expiration.ms}: one day. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;
    /**
     * Default {@link #rollFlushDelayMs()}: Kafka's default {@code log.flush.offset.checkpoint.interval.ms}, 60 s,
     * twice the kernel's default {@code dirty_expire_centisecs} (30 s).
     */
    public static final long DEFAULT_ROLL_FLUSH_DELAY_MS = 60_000L;

    public LogEnvironment(int flushThreads) {
        this(flushThreads, DEFAULT_PRODUCER_ID_EXPIRATION_MS, DEFAULT_ROLL_FLUSH_DELAY_MS);
    }

    /**
     * @param flushThreads group-commit flusher threads
     * @param producerIdExpirationMs {@code producer.id.expiration.ms}: idle producers are forgotten after this
     * @param rollFlushDelayMs see {@link #rollFlushDelayMs()}; at least 0
     */
    public LogEnvironment(int flushThreads, long producerIdExpirationMs, long rollFlushDelayMs) {
        if (rollFlushDelayMs < 0) {
            throw new IllegalArgumentException("rollFlushDelayMs must not be negative: " + rollFlushDelayMs);
        }
        this.producerIdExpirationMs = producerIdExpirationMs;
        this.rollFlushDelayMs = rollFlushDelayMs;
        this.flusher = new GroupCommitFlusher(flushThreads);
        ScheduledThreadPoolExecutor exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("kelpie-log-scheduler");
            t.setDaemon(true);
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        this.scheduler = exec;
    }

    public GroupCommitFlusher flusher() {
        return flusher;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public LogMetrics metrics() {
        return metrics;
    }

    public long producerIdExpirationMs() {
        return producerIdExpirationMs;
    }

    /**
     * Under {@code flush.policy=interval}: how long a segment sealed by a roll stays without fsync before the
     * periodic maintenance ({@link SegmentedLog#flushIfDue}) has it fsynced in the background. The kernel writes
     * dirty pages back on its own after about 30 s, so the deferred fsync mostly finds clean pages instead of
     * competing with the appender for the disk and the CPU right after each roll; a segment retention deletes
     * before then is never fsynced. Sync mode ignores it (sealed segments are fsynced at once).
     */
    public long rollFlushDelayMs() {
        return rollFlushDelayMs;
    }

    /** Stops the flusher; runs the already scheduled deletions now. */
    @Override
    public void close() {
        flusher.close();
        for (Runnable pending : scheduler.shutdownNow()) {
            pending.run();
        }
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
