package dev.kelpie.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
 * The machine's ceiling for {@link LogAppendBenchmark}: a plain {@link FileChannel} append loop writing the
 * same batch bytes, with {@code force(false)} after every write ({@code force=always}: a durable append
 * without group commit), only when a file is rolled ({@code force=roll}: what a log that fsyncs each
 * segment at roll must pay), or never ({@code force=never}: the page-cache ceiling). Files roll and are
 * deleted as the benchmarked log's segments are. The 4-thread variant serialises writes (one writer) and
 * lets the forces overlap, which is all the kernel gives concurrent fsync callers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CeilingBenchmark {

    @Param({"always", "roll", "never"})
    public String force;

    private Path dir;
    private RollingFile file;
    private ByteBuffer batch;
    private boolean forceEachWrite;

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchFiles.newDir("kelpie-ceiling");
        file = new RollingFile(dir, LogAppendBenchmark.SEGMENT_BYTES, LogAppendBenchmark.RETENTION_BYTES,
                !force.equals("never"));
        forceEachWrite = force.equals("always");
        ByteBuffer bytes = Batches.newBatch(42).buffer();
        batch = ByteBuffer.allocateDirect(bytes.remaining()).put(bytes.duplicate()).flip();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        file.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    @Threads(1)
    public void write_1t() {
        writeOnce();
    }

    @Benchmark
    @Threads(4)
    public void write_4t() {
        writeOnce();
    }

    private void writeOnce() {
        FileChannel ch = file.append(batch);
        if (forceEachWrite) {
            RollingFile.force(ch);
        }
    }
}
