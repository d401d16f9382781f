package dev.kelpie.bench;

import dev.kelpie.broker.log.FileSlice;
import dev.kelpie.broker.log.SegmentedLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Offset lookup: {@link SegmentedLog#read} of one batch at a random offset, i.e. segment choice, the sparse
 * offset index ({@code index.interval.bytes=4096}), the forward scan of batch headers to the batch holding
 * the offset, and the pinned slice. The log holds 64 Ki single-record 1 KiB batches (64 MiB), so an index
 * entry covers about four batches and the scan matters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class LogLookupBenchmark {
    static final int FILL_BATCHES = 64 * 1024;

    private Path dir;
    private SegmentedLog log;
    private long logEnd;

    @State(Scope.Thread)
    public static class Offsets {
        final SplittableRandom random = new SplittableRandom(42);
    }

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchFiles.newDir("kelpie-lookup");
        byte[] value = new byte[Batches.RECORD_BYTES];
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), "key".getBytes(StandardCharsets.UTF_8), value));
        log = FilledLog.create(dir, batch, FILL_BATCHES);
        logEnd = log.logEndOffset();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        log.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    public long lookup(Offsets o) {
        FileSlice slice = log.read(o.random.nextLong(logEnd), 1, logEnd, true).records();
        try {
            return slice.position();
        } finally {
            slice.release();
        }
    }
}
