package dev.kelpie.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The machine ceiling's files, shaped like a log with retention: appends go to the newest file, a new file
 * starts every {@code rollBytes}, and the oldest files are deleted while more than {@code retainBytes} are kept,
 * so a run never fills the disk and the kernel holds as much retained data as with the benchmarked log.
 *
 * <p>At a roll the old file is, per {@link RollForce}: not forced; forced by the writer before the new file
 * starts; or forced (and closed) by a background thread, the writer waiting at the next roll until that force
 * is done, so at most the last two files are ever unforced (what the log did before its rolls stopped waiting).
 *
 * <p>Thread-safety: {@link #append}, {@link #writes} and {@link #current} are synchronized (one writer, as a
 * partition log has); {@link #force} may run concurrently with them.
 */
final class RollingFile implements AutoCloseable {
    /** What happens to a file when the next one starts. */
    enum RollForce { NONE, WRITER, BACKGROUND }

    private final Path dir;
    private final long rollBytes;
    private final long retainBytes;
    private final RollForce rollForce;
    private final Deque<Path> files = new ArrayDeque<>();
    private final ExecutorService background;
    private CompletableFuture<Void> previousRollForce = CompletableFuture.completedFuture(null);
    private FileChannel channel;
    private int generation;
    private long written;
    private long writes;

    RollingFile(Path dir, long rollBytes, long retainBytes, RollForce rollForce) {
        this.dir = dir;
        this.rollBytes = rollBytes;
        this.retainBytes = retainBytes;
        this.rollForce = rollForce;
        this.background = rollForce == RollForce.BACKGROUND ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ceiling-roll-force");
            t.setDaemon(true);
            return t;
        }) : null;
        this.channel = open();
    }

    /** Writes the whole buffer at the end of the newest file; returns the channel it went to. */
    synchronized FileChannel append(ByteBuffer buffer) {
        try {
            if (written >= rollBytes) {
                roll();
            }
            ByteBuffer b = buffer.duplicate();
            while (b.hasRemaining()) {
                written += channel.write(b);
            }
            writes++;
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends completed so far. */
    synchronized long writes() {
        return writes;
    }

    /** The newest file. */
    synchronized FileChannel current() {
        return channel;
    }

    /** Forces one file; a file rolled and closed meanwhile is not an error (its writer forced it or never will). */
    static void force(FileChannel channel) {
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            // rolled by another thread after forcing it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void roll() throws IOException {
        FileChannel old = channel;
        switch (rollForce) {
            case NONE -> old.close();
            case WRITER -> {
                old.force(false);
                old.close();
            }
            case BACKGROUND -> {
                previousRollForce.join();
                previousRollForce = CompletableFuture.runAsync(() -> {
                    try (old) {
                        old.force(false);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, background);
            }
        }
        generation++;
        written = 0;
        channel = open();
        while ((long) (files.size() - 1) * rollBytes > retainBytes) {
            Files.deleteIfExists(files.removeFirst());
        }
    }

    private FileChannel open() {
        Path file = dir.resolve(String.format("ceiling-%06d.bin", generation));
        files.addLast(file);
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        previousRollForce.join();
        if (background != null) {
            background.shutdown();
        }
        channel.close();
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }
}
