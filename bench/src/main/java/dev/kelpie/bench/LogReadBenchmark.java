package dev.kelpie.bench;

import dev.kelpie.broker.log.FileSlice;
import dev.kelpie.broker.log.SegmentedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Sequential read, as a consumer catching up: {@link SegmentedLog#read} of up to 1 MiB from the next offset
 * (index lookup, whole batches, segment pinning), then the slice's bytes copied out of the page cache; the
 * ceiling reads the same amount from a plain file of the same size with {@link FileChannel#read}. The
 * {@code bytes} counter gives the byte rate. The data (~128 MiB) stays in the page cache, so this is the
 * CPU and memory cost of reading, not the disk's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class LogReadBenchmark {
    static final int FILL_BATCHES = 2048;
    static final int READ_BYTES = 1024 * 1024;

    private Path dir;
    private SegmentedLog log;
    private long logEnd;
    private FileChannel ceiling;
    private long ceilingBytes;

    /** Where this thread reads next, its buffer, and the bytes it read (reported by JMH as a rate). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Cursor {
        public long bytes;
        long offset;
        long position;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES + Batches.BATCH_BYTES_MAX);

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = BenchFiles.newDir("kelpie-read");
        MemoryRecords batch = Batches.newBatch(1);
        log = FilledLog.create(dir, batch, FILL_BATCHES);
        logEnd = log.logEndOffset();
        ceiling = FileChannel.open(dir.resolve("ceiling.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        for (int i = 0; i < FILL_BATCHES; i++) {
            ByteBuffer b = batch.buffer().duplicate();
            while (b.hasRemaining()) {
                ceiling.write(b);
            }
        }
        ceiling.force(false);
        ceilingBytes = ceiling.size();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ceiling.close();
        log.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    public long read(Cursor c) {
        if (c.offset >= logEnd) {
            c.offset = 0;
        }
        FileSlice slice = log.read(c.offset, READ_BYTES, logEnd, true).records();
        try {
            ByteBuffer buf = c.buffer;
            buf.clear().limit(slice.sizeInBytes());
            readFully(slice.channel(), buf, slice.position());
            buf.flip();
            long next = c.offset;
            for (RecordBatch b : MemoryRecords.readableRecords(buf).batches()) {
                next = b.nextOffset();
            }
            c.offset = next;
            c.bytes += slice.sizeInBytes();
            return next;
        } finally {
            slice.release();
        }
    }

    @Benchmark
    public long ceilingRead(Cursor c) {
        if (c.position >= ceilingBytes) {
            c.position = 0;
        }
        ByteBuffer buf = c.buffer;
        buf.clear().limit((int) Math.min(READ_BYTES, ceilingBytes - c.position));
        readFully(ceiling, buf, c.position);
        c.position += buf.position();
        c.bytes += buf.position();
        return c.position;
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) {
        try {
            long p = position;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, p);
                if (n < 0) {
                    throw new IllegalStateException("unexpected end of file at " + p);
                }
                p += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
