package dev.kelpie.bench;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.log.LogAppendInfo;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.log.LogEnvironment;
import dev.kelpie.broker.log.LogManager;
import dev.kelpie.broker.log.SegmentedLog;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Appends of 64 KiB batches of 1 KiB records to one {@link SegmentedLog} (one partition), as a producer with
 * {@code acks=all} sees them: append, then wait until the append is durable under the flush policy.
 * {@code sync} (Kelpie's default) completes the wait after a group-commit fsync; {@code interval} with
 * Kafka's defaults never fsyncs per append, so the wait completes at once (a sealed segment is fsynced in the
 * background once it has been sealed for {@code rollFlushDelayMs}; with this retention it is deleted first). With 4 threads, appends are serialised by a lock (the log has one owner at a
 * time, as a partition's thread in the broker) while the waits overlap, so one fsync covers several batches.
 * The log gets its own {@link LogEnvironment} with the broker's number of flusher threads.
 *
 * <p>Compare with {@link CeilingBenchmark} at the same thread count: there too, all threads write one file
 * at a time (serialised), from the same heap buffer, with the same segment size and retention.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogAppendBenchmark {
    static final int SEGMENT_BYTES = 64 * 1024 * 1024;
    static final long RETENTION_BYTES = 256L * 1024 * 1024;
    /** Appends between retention checks: about one segment's worth. */
    private static final long RETENTION_EVERY_APPENDS = 1024;

    @Param({"sync", "interval"})
    public String flushPolicy;

    /** Group-commit flusher threads: {@code default} is the broker's ({@link LogManager.Settings#defaults()}). */
    @Param({"default"})
    public String flushThreads;

    private Path dir;
    private LogEnvironment env;
    private SegmentedLog log;
    private final Object owner = new Object();
    private final AtomicLong seeds = new AtomicLong();
    private long appends;

    /** Each thread re-appends its own batch; the log rewrites its offsets in place. */
    @State(Scope.Thread)
    public static class ThreadBatch {
        MemoryRecords records;

        @Setup(Level.Trial)
        public void setUp(LogAppendBenchmark bench) {
            records = Batches.newBatch(bench.seeds.incrementAndGet());
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchFiles.newDir("kelpie-append");
        LogConfig config = LogConfig.defaults().withOverrides(Map.of(
                LogConfig.FLUSH_POLICY, flushPolicy,
                LogConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES),
                LogConfig.RETENTION_BYTES, Long.toString(RETENTION_BYTES),
                LogConfig.FILE_DELETE_DELAY_MS, "0"));
        env = new LogEnvironment(flushThreads.equals("default") ? LogManager.Settings.defaults().flushThreads()
                : Integer.parseInt(flushThreads));
        log = SegmentedLog.open(dir, new TopicPartition("bench", 0), config, Clock.SYSTEM, env);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        log.close();
        env.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    @Threads(1)
    public void append_1t(ThreadBatch t) {
        appendDurably(t.records);
    }

    @Benchmark
    @Threads(4)
    public void append_4t(ThreadBatch t) {
        appendDurably(t.records);
    }

    private void appendDurably(MemoryRecords records) {
        long end;
        synchronized (owner) {
            LogAppendInfo info = log.appendAsLeader(records, 0);
            end = info.lastOffset() + 1;
            if (++appends % RETENTION_EVERY_APPENDS == 0) {
                log.enforceRetention();
                // the broker's periodic flush check: under interval, fsyncs sealed segments once old enough
                log.flushIfDue();
            }
        }
        Batches.resetToProducerBatch(records);
        log.awaitDurable(end).join();
    }
}
