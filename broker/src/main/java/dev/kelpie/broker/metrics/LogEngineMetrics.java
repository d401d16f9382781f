package dev.kelpie.broker.metrics;

import dev.kelpie.broker.log.LogMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log engine's meters: its {@link LogMetrics} counters as function counters (no second copy of the
 * state), an fsync latency histogram fed by {@link LogMetrics#observeFsyncs}, and the space of every log
 * dir's file system (label {@code dir}, the configured path).
 *
 * <p>Thread-safety: registration only; the meters read thread-safe adders and file-store queries.
 */
final class LogEngineMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(LogEngineMetrics.class);
    /** 0.1 ms to 5 s, roughly 1-2.5-5 (see {@link RequestMetrics} for why not percentile buckets). */
    private static final Duration[] FSYNC_BUCKETS = {Duration.ofMillis(1).dividedBy(10),
        Duration.ofMillis(1).dividedBy(4), Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1),
        Duration.ofMillis(5).dividedBy(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private LogEngineMetrics() {
    }

    static void bind(MeterRegistry registry, LogMetrics log, List<Path> logDirs) {
        Timer fsync = Timer.builder(MetricNames.LOG_FSYNC_DURATION)
                .description("Duration of one fsync of segment data (group commit, flush or roll)")
                .serviceLevelObjectives(FSYNC_BUCKETS).register(registry);
        log.observeFsyncs(ns -> fsync.record(ns, TimeUnit.NANOSECONDS));
        counter(registry, log, MetricNames.LOG_RECOVERY_TRUNCATED, "bytes",
                "Bytes cut off torn or corrupt segment tails by recovery", LogMetrics::recoveryTruncatedBytes);
        counter(registry, log, MetricNames.LOGS_TAKEN_OFFLINE, null,
                "Partition logs taken offline by an I/O error or corruption", LogMetrics::logsTakenOffline);
        counter(registry, log, MetricNames.LOG_CLEANER_READ, "bytes", "Bytes read by the log cleaner",
                LogMetrics::cleanerBytesRead);
        counter(registry, log, MetricNames.LOG_CLEANER_WRITTEN, "bytes", "Bytes written by the log cleaner",
                LogMetrics::cleanerBytesWritten);
        counter(registry, log, MetricNames.LOG_SEGMENTS_DELETED, null,
                "Segments deleted by retention, DeleteRecords and compaction", LogMetrics::segmentsDeleted);
        for (Path dir : logDirs) {
            bindDir(registry, dir);
        }
    }

    private static void counter(MeterRegistry registry, LogMetrics log, String name, String unit,
            String description, ToDoubleFunction<LogMetrics> value) {
        FunctionCounter.builder(name, log, value).baseUnit(unit).description(description).register(registry);
    }

    private static void bindDir(MeterRegistry registry, Path dir) {
        FileStore store;
        try {
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            LOG.warn("No disk space metrics for log dir {}: {}", dir, e.toString());
            return;
        }
        String label = dir.toString();
        Gauge.builder(MetricNames.LOG_DIR_USABLE, store, s -> space(s, true)).strongReference(true)
                .tag("dir", label).baseUnit("bytes")
                .description("Bytes left for the broker on the file system of a log dir").register(registry);
        Gauge.builder(MetricNames.LOG_DIR_TOTAL, store, s -> space(s, false)).strongReference(true)
                .tag("dir", label).baseUnit("bytes").description("Size of the file system of a log dir")
                .register(registry);
    }

    private static double space(FileStore store, boolean usable) {
        try {
            return usable ? store.getUsableSpace() : store.getTotalSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
