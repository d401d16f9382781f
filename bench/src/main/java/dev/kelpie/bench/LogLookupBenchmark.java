package dev.kelpie.bench;

import dev.kelpie.broker.log.FileSlice;
import dev.kelpie.broker.log.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.FileLogInputStream;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;
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
 *
 * <p>Ceiling ({@link #ceilingLookup}): the least any lookup must do, one {@code pread} of the batch header at
 * a position already known (from an in-memory array of every batch's position), in the same files.
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
    /** Per offset (one record per batch): the segment file's channel and the batch's position in it. */
    private FileChannel[] channelOf;
    private int[] positionOf;
    private final List<FileChannel> channels = new ArrayList<>();

    @State(Scope.Thread)
    public static class Offsets {
        final SplittableRandom random = new SplittableRandom(42);
        final ByteBuffer header = ByteBuffer.allocateDirect(Records.HEADER_SIZE_UP_TO_MAGIC);
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchFiles.newDir("kelpie-lookup");
        byte[] value = new byte[Batches.RECORD_BYTES];
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), "key".getBytes(StandardCharsets.UTF_8), value));
        log = FilledLog.create(dir, batch, FILL_BATCHES);
        logEnd = log.logEndOffset();
        indexAllBatches();
    }

    private void indexAllBatches() throws IOException {
        channelOf = new FileChannel[(int) logEnd];
        positionOf = new int[(int) logEnd];
        try (Stream<Path> files = Files.list(log.dir())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channels.add(channel);
                FileRecords records = FileRecords.open(file.toFile(), false, false, 0, false);
                try {
                    for (FileLogInputStream.FileChannelRecordBatch b : records.batches()) {
                        channelOf[(int) b.baseOffset()] = channel;
                        positionOf[(int) b.baseOffset()] = b.position();
                    }
                } finally {
                    records.channel().close(); // read-only use: FileRecords.close() would trim the file
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        for (FileChannel c : channels) {
            c.close();
        }
        log.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    public long ceilingLookup(Offsets o) throws IOException {
        int offset = (int) o.random.nextLong(logEnd);
        ByteBuffer header = o.header.clear();
        channelOf[offset].read(header, positionOf[offset]);
        return header.getLong(0);
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
