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

/**
 * The machine ceiling's files, shaped like a log with retention: appends go to the newest file, a new file
 * starts every {@code rollBytes} (the old one forced first when {@code forceOnRoll}), and the oldest files
 * are deleted while more than {@code retainBytes} are kept, so a run never fills the disk and the kernel
 * holds as much retained data as with the benchmarked log.
 *
 * <p>Thread-safety: {@link #append} is synchronized (one writer, as a partition log has); {@link #force}
 * may run concurrently with it.
 */
final class RollingFile implements AutoCloseable {
    private final Path dir;
    private final long rollBytes;
    private final long retainBytes;
    private final boolean forceOnRoll;
    private final Deque<Path> files = new ArrayDeque<>();
    private FileChannel channel;
    private int generation;
    private long written;

    RollingFile(Path dir, long rollBytes, long retainBytes, boolean forceOnRoll) {
        this.dir = dir;
        this.rollBytes = rollBytes;
        this.retainBytes = retainBytes;
        this.forceOnRoll = forceOnRoll;
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
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        if (forceOnRoll) {
            channel.force(false);
        }
        channel.close();
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
        channel.close();
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
    }
}
