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
 * same batch bytes from the same kind of buffer the benchmarked log receives (a heap buffer for both; the
 * broker hands the log pooled direct buffers, which spare one copy in either loop). Files roll and are deleted as the benchmarked log's segments are ({@link RollingFile}). The
 * {@code force} modes:
 * <ul>
 *   <li>{@code always}: each writer calls {@code force(false)} after its own write: a durable append without
 *       group commit. With 4 threads the writes are serialised (one writer) and the forces overlap, which the
 *       kernel merges into shared journal commits: the plain loop's ceiling for durable appends.</li>
 *   <li>{@code group}: group commit run by the writers themselves ({@link GroupForce}): one fsync in flight,
 *       covering every write completed before it, and no thread hand-off.</li>
 *   <li>{@code roll}: no force per write; the writer forces each file at its roll.</li>
 *   <li>{@code background}: no force per write; each rolled file is forced by a background thread and the
 *       writer waits at the next roll until that is done (the log's former rule, kept for comparison: every
 *       segment but the last two is fsynced; the log no longer waits).</li>
 *   <li>{@code never}: no force at all. Retained files are deleted long before the kernel writes them back
 *       (30 s), so nothing reaches the disk: the page-cache ceiling.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CeilingBenchmark {

    @Param({"always", "group", "roll", "background", "never"})
    public String force;

    private Path dir;
    private RollingFile file;
    private GroupForce group;
    private ByteBuffer batch;

    @Setup(Level.Trial)
    public void setUp() {
        dir = BenchFiles.newDir("kelpie-ceiling");
        RollingFile.RollForce rollForce = switch (force) {
            case "never" -> RollingFile.RollForce.NONE;
            case "background" -> RollingFile.RollForce.BACKGROUND;
            default -> RollingFile.RollForce.WRITER;
        };
        file = new RollingFile(dir, LogAppendBenchmark.SEGMENT_BYTES, LogAppendBenchmark.RETENTION_BYTES, rollForce);
        group = new GroupForce(file);
        batch = Batches.newBatch(42).buffer();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        file.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    @Threads(1)
    public void write_1t() throws InterruptedException {
        writeOnce();
    }

    @Benchmark
    @Threads(4)
    public void write_4t() throws InterruptedException {
        writeOnce();
    }

    private void writeOnce() throws InterruptedException {
        FileChannel ch;
        long writesUpToMine;
        synchronized (file) {
            ch = file.append(batch);
            writesUpToMine = file.writes();
        }
        if (force.equals("always")) {
            RollingFile.force(ch);
        } else if (force.equals("group")) {
            group.awaitDurable(writesUpToMine);
        }
    }
}
