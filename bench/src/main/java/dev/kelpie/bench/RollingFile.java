package dev.kelpie.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The machine ceiling's file: appends go to one file that is replaced by a fresh one every
 * {@code rollBytes}, as a log rolls and deletes segments, so a run never fills the disk.
 *
 * <p>Thread-safety: {@link #append} is synchronized (one writer, as a partition log has); {@link #force}
 * may run concurrently with it, as a group-commit flusher does.
 */
final class RollingFile implements AutoCloseable {
    private final Path dir;
    private final long rollBytes;
    private FileChannel channel;
    private int generation;
    private long written;

    RollingFile(Path dir, long rollBytes) {
        this.dir = dir;
        this.rollBytes = rollBytes;
        this.channel = open();
    }

    /** Writes the whole buffer at the end of the current file; returns the channel it went to. */
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

    /** Forces one file; a file rolled meanwhile was forced before it was closed, so that is not an error. */
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
        channel.force(false);
        channel.close();
        Files.deleteIfExists(file(generation));
        generation++;
        written = 0;
        channel = open();
    }

    private FileChannel open() {
        try {
            return FileChannel.open(file(generation), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(int gen) {
        return dir.resolve(String.format("ceiling-%06d.bin", gen));
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
        Files.deleteIfExists(file(generation));
    }
}
