package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background compaction for {@code cleanup.policy=compact} (and {@code compact,delete}): one thread that
 * repeatedly picks the compacted log with the highest dirty ratio at or above its
 * {@code min.cleanable.dirty.ratio} and runs a {@link CompactionPass} on it, at most
 * {@code ioMaxBytesPerSecond} of reads plus writes (Kafka's {@code log.cleaner.io.max.bytes.per.second}).
 * Appends and reads never wait for it: it works on closed segments and swaps its output in under the log's
 * short structure lock.
 *
 * <p>Thread-safety: {@link #cleanDirtiest}, {@link #clean} and {@link #awaitNotCleaning} are safe from any
 * thread; one log is cleaned by at most one thread at a time.
 */
public final class LogCleaner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    /**
     * @param enabled {@code log.cleaner.enable}
     * @param ioMaxBytesPerSecond {@code log.cleaner.io.max.bytes.per.second}; Long.MAX_VALUE for no limit
     * @param dedupeBufferBytes {@code log.cleaner.dedupe.buffer.size}: memory for the key → offset map
     * @param backoffMs {@code log.cleaner.backoff.ms}: sleep when no log needs cleaning
     */
    public record Settings(boolean enabled, long ioMaxBytesPerSecond, long dedupeBufferBytes, long backoffMs) {
        public Settings {
            if (ioMaxBytesPerSecond <= 0 || dedupeBufferBytes <= 0 || backoffMs <= 0) {
                throw new IllegalArgumentException("LogCleaner settings must be positive");
            }
        }

        public static Settings defaults() {
            return new Settings(true, Long.MAX_VALUE, 128L * 1024 * 1024, 15_000);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final LogMetrics metrics;
    private final Supplier<Collection<SegmentedLog>> logs;
    private final Throttler throttler;
    private final Set<SegmentedLog> inProgress = new HashSet<>();
    private Thread thread;
    private volatile boolean running;
    private volatile boolean closing;

    LogCleaner(Settings settings, Clock clock, LogMetrics metrics, Supplier<Collection<SegmentedLog>> logs) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.logs = logs;
        this.throttler = new Throttler(settings.ioMaxBytesPerSecond(), clock, this::pause);
    }

    /**
     * The throttler's sleep: a timed wait that {@link #close} cuts short. Never {@code Thread.interrupt}: an
     * interrupt during FileChannel I/O closes the channel, i.e. the segment, for every reader.
     */
    private synchronized void pause(long ms) throws InterruptedException {
        if (closing) {
            throw new InterruptedException("log cleaner closing");
        }
        wait(ms);
        if (closing) {
            throw new InterruptedException("log cleaner closing");
        }
    }

    synchronized void start() {
        if (!settings.enabled() || thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "kelpie-log-cleaner");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            boolean worked = false;
            try {
                worked = cleanDirtiest();
            } catch (RuntimeException e) {
                LOG.error("Log cleaner pass failed", e);
            }
            if (!worked) {
                synchronized (this) {
                    if (!running) {
                        return;
                    }
                    try {
                        wait(settings.backoffMs());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** The compacted log most in need of cleaning, if any is at or above its dirty ratio. */
    Optional<SegmentedLog> dirtiest() {
        long now = clock.wallMs();
        SegmentedLog best = null;
        double bestRatio = -1;
        for (SegmentedLog log : logs.get()) {
            if (!log.isOnline() || !log.config().cleanupCompact()) {
                continue;
            }
            double ratio = CompactionPass.dirtyRatio(log, now);
            if (ratio > 0 && ratio >= log.config().minCleanableDirtyRatio() && ratio > bestRatio) {
                best = log;
                bestRatio = ratio;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Cleans the dirtiest log once. Returns whether anything was cleaned. */
    public boolean cleanDirtiest() {
        return dirtiest().map(this::clean).orElse(false);
    }

    /** Runs one compaction pass on {@code log} regardless of its dirty ratio. Returns whether it swapped. */
    public boolean clean(SegmentedLog log) {
        synchronized (this) {
            if (!inProgress.add(log)) {
                return false;
            }
        }
        try {
            return new CompactionPass(log, clock, throttler, metrics, settings.dedupeBufferBytes()).run();
        } catch (IOException e) {
            LOG.warn("Cleaning {} failed; it will be retried", log.topicPartition(), e);
            return false;
        } catch (KafkaStorageException | CompactionPass.AbortedException e) {
            return false;
        } catch (InterruptedException e) {
            LOG.info("Cleaning {} stopped: {}", log.topicPartition(), e.getMessage());
            return false;
        } finally {
            synchronized (this) {
                inProgress.remove(log);
                notifyAll();
            }
        }
    }

    /** Blocks until no pass runs on {@code log} (before deleting it). */
    synchronized void awaitNotCleaning(SegmentedLog log) {
        while (inProgress.contains(log)) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Wakes the cleaner thread (e.g. after a config change). */
    public synchronized void wakeUp() {
        notifyAll();
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            closing = true;
            notifyAll();
            t = thread;
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
