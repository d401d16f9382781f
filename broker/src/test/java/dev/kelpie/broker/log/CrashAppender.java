package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The child process of {@link CrashRecoveryTest}: opens the log and appends random batches forever, one owner
 * thread. It prints {@code opening}, then {@code ready}, then one line
 * {@code durable <baseOffset> <lastOffset> <crc> end} per batch once it is durable — only then. The trailing
 * {@code end} lets the parent ignore a line cut short by the kill.
 *
 * <p>Arguments: log dir, seed, flush policy. {@code sync} (the default): up to {@value #IN_FLIGHT_MAX} appends
 * wait for durability at a time (so group commit covers several); a batch is durable when its
 * {@code awaitDurable} completes. {@code interval}: rolls leave their fsyncs to the background pass; every
 * {@value #FLUSH_EVERY_APPENDS} appends the child calls {@link SegmentedLog#flush()}, and the batches below the
 * durable offset are then durable.
 */
public final class CrashAppender {
    static final TopicPartition TP = new TopicPartition("crash", 0);
    static final int IN_FLIGHT_MAX = 32;
    static final int FLUSH_EVERY_APPENDS = 8;

    private CrashAppender() {}

    /** The log settings both processes use: small segments and a dense index, so rolls and lookups happen. */
    static LogConfig config(String flushPolicy) {
        return LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "262144",
                LogConfig.INDEX_INTERVAL_BYTES, "1024", LogConfig.FLUSH_POLICY, flushPolicy));
    }

    public static void main(String[] args) throws InterruptedException {
        Path logDir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        String flushPolicy = args.length > 2 ? args[2] : "sync";
        PrintStream out = System.out;
        out.println("opening");
        SegmentedLog log = SegmentedLog.open(logDir, TP, config(flushPolicy), Clock.SYSTEM);
        if (!log.isOnline()) {
            throw new IllegalStateException("log opened offline: " + log.offlineReason());
        }
        out.println("ready " + log.logEndOffset());
        if (flushPolicy.equals("interval")) {
            appendAndFlush(log, random, out);
        }
        Semaphore inFlight = new Semaphore(IN_FLIGHT_MAX);
        while (true) {
            MemoryRecords records = randomBatch(random);
            inFlight.acquire();
            LogAppendInfo info = log.appendAsLeader(records, 0);
            RecordBatch batch = records.batches().iterator().next();
            String line = "durable " + info.firstOffset() + " " + info.lastOffset() + " " + batch.checksum() + " end";
            log.awaitDurable(info.lastOffset() + 1).whenComplete((ok, error) -> {
                if (error == null) {
                    out.println(line);
                } else {
                    error.printStackTrace();
                }
                inFlight.release();
            });
        }
    }

    /** Interval policy: appends, flushes every few appends, and reports what the flush made durable. */
    private static void appendAndFlush(SegmentedLog log, Random random, PrintStream out) {
        java.util.ArrayDeque<String[]> unflushed = new java.util.ArrayDeque<>();
        for (long appends = 1; ; appends++) {
            MemoryRecords records = randomBatch(random);
            LogAppendInfo info = log.appendAsLeader(records, 0);
            RecordBatch batch = records.batches().iterator().next();
            unflushed.add(new String[] {Long.toString(info.firstOffset()), Long.toString(info.lastOffset()),
                    Long.toString(batch.checksum())});
            if (appends % FLUSH_EVERY_APPENDS == 0) {
                log.flush();
                long durable = log.durableOffset();
                while (!unflushed.isEmpty() && Long.parseLong(unflushed.peek()[1]) < durable) {
                    String[] b = unflushed.poll();
                    out.println("durable " + b[0] + " " + b[1] + " " + b[2] + " end");
                }
            }
        }
    }

    private static MemoryRecords randomBatch(Random random) {
        int count = 1 + random.nextInt(20);
        SimpleRecord[] records = new SimpleRecord[count];
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[10 + random.nextInt(1500)];
            random.nextBytes(value);
            byte[] key = ("key-" + random.nextInt(1000)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            records[i] = new SimpleRecord(now, key, value);
        }
        Compression compression = random.nextInt(4) == 0 ? Compression.lz4().build() : Compression.NONE;
        return MemoryRecords.withRecords(compression, records);
    }
}
