package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the broker's log directories ({@code log.dirs}) and every partition log in them.
 *
 * <p>Lifecycle: {@link #LogManager construct} → {@link #startup} (loads and recovers every
 * {@code <topic>-<partition>} directory in parallel on a bounded pool, removes {@code *-delete} directories,
 * starts the periodic tasks and the {@link LogCleaner}) → {@link #getOrCreate}/{@link #get}/{@link #delete} →
 * {@link #close} (stops the tasks, flushes and checkpoints every log as cleanly shut down).
 *
 * <p>Periodic tasks: retention and {@code flush.ms} checks are mutations, so they run on each partition's owner
 * thread, reached through the {@code ownerExecutor} given at construction; the {@code flush.ms} check also hands
 * sealed segments old enough to the background fsync ({@link SegmentedLog#flushIfDue}). Recovery-point
 * checkpoints are thread-safe and run on the manager's scheduler.
 *
 * <p>Placement: a new partition goes to the directory holding the fewest partitions. A directory that cannot be
 * read at startup is reported offline ({@link #offlineDirs()}) and the others keep working; a partition whose
 * open failed is listed by {@link #offlinePartitions()}.
 *
 * <p>Thread-safety: every public method is safe from any thread. The partition map is a concurrent map;
 * creation and deletion of one partition are serialised by a per-manager lock so a partition is never opened
 * twice.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    static final String DELETE_DIR_SUFFIX = "-delete";
    /** The longest file name common file systems accept. */
    private static final int DIR_NAME_BYTES_MAX = 255;

    /**
     * Tunables of the manager (Kafka's broker-level names in comments).
     *
     * @param flushThreads group-commit flusher threads shared by all logs
     * @param recoveryThreads parallel partition loads at startup ({@code num.recovery.threads.per.data.dir})
     * @param retentionCheckIntervalMs {@code log.retention.check.interval.ms}
     * @param flushCheckIntervalMs {@code log.flush.scheduler.interval.ms} (interval flush policy: {@code flush.ms}
     *     and the deferred fsync of sealed segments are checked this often)
     * @param checkpointIntervalMs {@code log.flush.offset.checkpoint.interval.ms}; under the interval flush policy
     *     also how long a sealed segment waits for its fsync ({@link LogEnvironment#rollFlushDelayMs()}), so the
     *     recovery point moves on this cadence, as in Kafka
     * @param cleaner compaction settings
     * @param producerIdExpirationMs {@code producer.id.expiration.ms}
     * @param journal the journal of each log dir ({@link LogJournal}), used by logs under {@code flush.policy=sync}
     */
    public record Settings(int flushThreads, int recoveryThreads, long retentionCheckIntervalMs,
            long flushCheckIntervalMs, long checkpointIntervalMs, LogCleaner.Settings cleaner,
            long producerIdExpirationMs, LogJournal.Settings journal) {

        public Settings {
            if (flushThreads < 1 || recoveryThreads < 1 || retentionCheckIntervalMs < 1 || flushCheckIntervalMs < 1
                    || checkpointIntervalMs < 1 || producerIdExpirationMs < 1) {
                throw new IllegalArgumentException("LogManager settings must be positive: " + flushThreads + ", "
                        + recoveryThreads + ", " + retentionCheckIntervalMs + ", " + flushCheckIntervalMs + ", "
                        + checkpointIntervalMs);
            }
            java.util.Objects.requireNonNull(journal, "journal");
        }

        /** With the default journal. */
        public Settings(int flushThreads, int recoveryThreads, long retentionCheckIntervalMs,
                long flushCheckIntervalMs, long checkpointIntervalMs, LogCleaner.Settings cleaner,
                long producerIdExpirationMs) {
            this(flushThreads, recoveryThreads, retentionCheckIntervalMs, flushCheckIntervalMs, checkpointIntervalMs,
                    cleaner, producerIdExpirationMs, LogJournal.Settings.defaults());
        }

        public Settings withJournal(LogJournal.Settings journal) {
            return new Settings(flushThreads, recoveryThreads, retentionCheckIntervalMs, flushCheckIntervalMs,
                    checkpointIntervalMs, cleaner, producerIdExpirationMs, journal);
        }

        /**
         * Kafka's defaults: 5 min retention checks, 60 s checkpoints, 1 day producer expiry; four flushers, so
         * the fsyncs of different logs run concurrently and share the disk's cache flushes (one log's never
         * overlap: {@link GroupCommitFlusher}). Measured in {@code bench/RESULTS.md}: eight made more, smaller
         * fsyncs and cost more CPU than four.
         */
        public static Settings defaults() {
            return new Settings(4, 2, 300_000, 1_000, 60_000, LogCleaner.Settings.defaults(),
                    LogEnvironment.DEFAULT_PRODUCER_ID_EXPIRATION_MS);
        }
    }

    private final List<Path> logDirs;
    private final Clock clock;
    private final Settings settings;
    private final Function<TopicPartition, Executor> ownerExecutor;
    private final LogEnvironment env;
    private final LogCleaner cleaner;
    private final Map<TopicPartition, SegmentedLog> logs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> offlinePartitions = new ConcurrentHashMap<>();
    private final Map<Path, String> offlineDirs = new ConcurrentHashMap<>();
    private final Map<Path, LogJournal> journals = new ConcurrentHashMap<>();
    private final InboundAppends inbound = new InboundAppends();
    private final Object createLock = new Object();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param logDirs the broker's {@code log.dirs}; created when missing
     * @param ownerExecutor runs a maintenance task on the thread that owns the partition (the server's
     *     partition executor); tests without concurrent writers may pass {@code tp -> Runnable::run}
     */
    public LogManager(List<Path> logDirs, Clock clock, Settings settings,
            Function<TopicPartition, Executor> ownerExecutor) {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("At least one log directory is required");
        }
        this.logDirs = List.copyOf(logDirs);
        this.clock = clock;
        this.settings = settings;
        this.ownerExecutor = ownerExecutor;
        this.env = new LogEnvironment(settings.flushThreads(), settings.producerIdExpirationMs(),
                settings.checkpointIntervalMs());
        this.cleaner = new LogCleaner(settings.cleaner(), clock, env.metrics(), this::allLogs);
    }

    /**
     * Loads every partition directory (recovering unclean ones in parallel) and starts the background work.
     *
     * @param configFor the topic config of each partition found on disk
     */
    public void startup(Function<TopicPartition, LogConfig> configFor) {
        List<Future<?>> loads = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(settings.recoveryThreads(), r -> {
            Thread t = new Thread(r, "kelpie-log-recovery");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Path logDir : logDirs) {
                for (Map.Entry<TopicPartition, Path> p : scanDir(logDir).entrySet()) {
                    loads.add(pool.submit(() -> load(logDir, p.getKey(), configFor.apply(p.getKey()))));
                }
            }
            for (Future<?> f : loads) {
                awaitLoad(f);
            }
        } finally {
            pool.shutdownNow();
        }
        LOG.info("Loaded {} partition logs from {} ({} offline)", logs.size(), logDirs, offlinePartitions.size());
        openJournals();
        schedule(this::enforceRetentionAll, settings.retentionCheckIntervalMs());
        schedule(this::flushDueAll, settings.flushCheckIntervalMs());
        schedule(this::checkpointAll, settings.checkpointIntervalMs());
        cleaner.start();
    }

    /** Replays each log dir's journal into its loaded logs, then attaches it to them. */
    private void openJournals() {
        if (!settings.journal().enabled()) {
            return;
        }
        for (Path logDir : logDirs) {
            if (offlineDirs.containsKey(logDir)) {
                continue;
            }
            Map<TopicPartition, SegmentedLog> inDir = new java.util.HashMap<>();
            logs.forEach((tp, log) -> {
                if (log.dir().getParent().equals(logDir)) {
                    inDir.put(tp, log);
                }
            });
            try {
                LogJournal journal = LogJournal.open(logDir, inDir, settings.journal(), clock, env.metrics(),
                        inbound);
                journals.put(logDir, journal);
                inDir.values().forEach(log -> log.attachJournal(journal));
            } catch (IOException | UncheckedIOException e) {
                throw new KafkaStorageException("Cannot open the journal of log dir " + logDir + ": " + e, e);
            }
        }
    }

    private static void awaitLoad(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while loading logs", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Log loading failed", e.getCause());
        }
    }

    private void load(Path logDir, TopicPartition tp, LogConfig config) {
        try {
            SegmentedLog log = SegmentedLog.open(logDir, tp, config, clock, env);
            logs.put(tp, log);
            if (!log.isOnline()) {
                offlinePartitions.put(tp, log.offlineReason());
            }
        } catch (KafkaStorageException e) {
            LOG.error("Partition {} in {} cannot be opened and stays offline", tp, logDir, e);
            offlinePartitions.put(tp, e.getMessage());
        }
    }

    /** The partition directories of a log dir; deletes leftovers of asynchronous topic deletion. */
    private Map<TopicPartition, Path> scanDir(Path logDir) {
        Map<TopicPartition, Path> found = new java.util.TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        try {
            Files.createDirectories(logDir);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(logDir, Files::isDirectory)) {
                for (Path d : dirs) {
                    String name = d.getFileName().toString();
                    if (name.endsWith(DELETE_DIR_SUFFIX)) {
                        deleteRecursively(d);
                        continue;
                    }
                    parseDirName(name).ifPresent(tp -> found.put(tp, d));
                }
            }
        } catch (IOException e) {
            LOG.error("Log directory {} is unusable and goes offline", logDir, e);
            offlineDirs.put(logDir, e.toString());
        }
        return found;
    }

    /** {@code <topic>-<partition>} → the partition, or empty for anything else. */
    static Optional<TopicPartition> parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1 || name.startsWith(".")) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? Optional.empty() : Optional.of(new TopicPartition(name.substring(0, dash), partition));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void schedule(Runnable task, long intervalMs) {
        tasks.add(env.scheduler().scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Periodic log task failed", e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS));
    }

    // ---------------------------------------------------------------- partitions

    /** The log of {@code tp}, creating it with {@code config} in the least loaded directory when absent. */
    public SegmentedLog getOrCreate(TopicPartition tp, LogConfig config) {
        SegmentedLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        synchronized (createLock) {
            if (closed) {
                throw new IllegalStateException("LogManager is closed");
            }
            existing = logs.get(tp);
            if (existing != null) {
                return existing;
            }
            Path logDir = leastLoadedDir();
            SegmentedLog log = SegmentedLog.open(logDir, tp, config, clock, env);
            LogJournal journal = journals.get(logDir);
            if (journal != null) {
                log.attachJournal(journal);
            }
            logs.put(tp, log);
            offlinePartitions.remove(tp);
            return log;
        }
    }

    private Path leastLoadedDir() {
        Map<Path, Integer> counts = new java.util.HashMap<>();
        for (Path d : logDirs) {
            if (!offlineDirs.containsKey(d)) {
                counts.put(d, 0);
            }
        }
        for (SegmentedLog log : logs.values()) {
            counts.computeIfPresent(log.dir().getParent(), (k, v) -> v + 1);
        }
        return counts.entrySet().stream().min(Map.Entry.<Path, Integer>comparingByValue()
                .thenComparing(e -> logDirs.indexOf(e.getKey()))).map(Map.Entry::getKey)
                .orElseThrow(() -> new KafkaStorageException("Every log directory is offline: " + offlineDirs));
    }

    public Optional<SegmentedLog> get(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<SegmentedLog> allLogs() {
        return List.copyOf(logs.values());
    }

    /** Partitions whose log is offline, with the reason. */
    public Map<TopicPartition, String> offlinePartitions() {
        Map<TopicPartition, String> out = new java.util.HashMap<>(offlinePartitions);
        for (SegmentedLog log : logs.values()) {
            if (log.offlineReason() != null) {
                out.put(log.topicPartition(), log.offlineReason());
            }
        }
        return out;
    }

    public Map<Path, String> offlineDirs() {
        return Map.copyOf(offlineDirs);
    }

    public LogEnvironment environment() {
        return env;
    }

    /** The appends on their way to these logs: whoever hands one to an owner thread counts it here. */
    public InboundAppends inboundAppends() {
        return inbound;
    }

    public LogCleaner cleaner() {
        return cleaner;
    }

    /**
     * Topic deletion: closes the log, renames its directory to {@code <topic>-<partition>.<uuid>-delete}
     * (so a new partition of the same name can be created at once) and removes it in the background.
     * Call from the partition's owner thread.
     */
    public void delete(TopicPartition tp) {
        SegmentedLog log;
        synchronized (createLock) {
            log = logs.remove(tp);
            offlinePartitions.remove(tp);
        }
        if (log == null) {
            return;
        }
        cleaner.awaitNotCleaning(log);
        log.close();
        Path doomed = log.dir().resolveSibling(deleteDirName(log.dir().getFileName().toString()));
        try {
            AtomicFiles.renameDurably(log.dir(), doomed);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot delete the log of " + tp + ": " + e.getMessage(), e);
        }
        env.scheduler().execute(() -> deleteRecursively(doomed));
    }

    /**
     * {@code <dir name>.<uuid>-delete}, the directory name cut so the whole fits the 255-byte file-name limit (a
     * 249-character topic's would not otherwise, and its rename would fail), as Kafka does. Names are ASCII.
     */
    static String deleteDirName(String dirName) {
        String suffix = "." + UUID.randomUUID().toString().replace("-", "") + DELETE_DIR_SUFFIX;
        int prefixMax = DIR_NAME_BYTES_MAX - suffix.length();
        return (dirName.length() > prefixMax ? dirName.substring(0, prefixMax) : dirName) + suffix;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Cannot remove {}", dir, e);
        }
    }

    // ---------------------------------------------------------------- periodic work

    private void enforceRetentionAll() {
        for (SegmentedLog log : logs.values()) {
            if (log.isOnline()) {
                ownerExecutor.apply(log.topicPartition()).execute(() -> runQuietly(log, log::enforceRetention));
            }
        }
    }

    private void flushDueAll() {
        for (SegmentedLog log : logs.values()) {
            if (log.isOnline() && log.config().flushPolicy() == LogConfig.FlushPolicy.INTERVAL) {
                ownerExecutor.apply(log.topicPartition()).execute(() -> runQuietly(log, log::flushIfDue));
            }
        }
    }

    /** Persists every log's recovery point (thread-safe on the log side). */
    public void checkpointAll() {
        for (SegmentedLog log : logs.values()) {
            if (log.isOnline()) {
                runQuietly(log, () -> log.writeCheckpoint(false));
            }
        }
    }

    private static void runQuietly(SegmentedLog log, Runnable r) {
        try {
            r.run();
        } catch (KafkaStorageException e) {
            // the log took itself offline and logged why
            LOG.debug("{} is offline: {}", log.topicPartition(), e.getMessage());
        }
    }

    /**
     * Test hook simulating {@code kill -9}: every log drops its handles unflushed
     * ({@link SegmentedLog#crashForTesting}) and each journal stops with its files left for the next start to replay.
     */
    void crashForTesting() {
        synchronized (createLock) {
            closed = true;
        }
        tasks.forEach(t -> t.cancel(false));
        cleaner.close();
        logs.values().forEach(SegmentedLog::crashForTesting);
        journals.values().forEach(LogJournal::close);
        env.close();
    }

    /** Stops background work, then flushes, checkpoints and closes every log. */
    @Override
    public void close() {
        synchronized (createLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        tasks.forEach(t -> t.cancel(false));
        cleaner.close();
        for (SegmentedLog log : logs.values()) {
            log.close();
        }
        journals.values().forEach(LogJournal::close);
        env.close();
    }
}
