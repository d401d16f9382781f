package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;

/**
 * A read-only window {@code [position, position + sizeInBytes)} of a segment file, handed to Fetch so the
 * network layer can send it with {@code sendfile} (a Netty {@code FileRegion}) without copying.
 *
 * <p>The slice pins its segment: the segment's file stays open (and, if deleted meanwhile, readable) until
 * {@link #release()} is called once. The network layer releases it after the bytes are written or the
 * connection fails. Releasing twice is a programmer error.
 *
 * <p>Thread-safety: immutable apart from the one-shot release; safe to hand between threads.
 */
public final class FileSlice implements TransferableRecords {
    private final FileChannel channel;
    private final long position;
    private final int sizeInBytes;
    private final Runnable onRelease;
    private final AtomicBoolean released = new AtomicBoolean();

    public FileSlice(FileChannel channel, long position, int sizeInBytes, Runnable onRelease) {
        if (position < 0 || sizeInBytes < 0) {
            throw new IllegalArgumentException("position " + position + " size " + sizeInBytes);
        }
        this.channel = Objects.requireNonNull(channel);
        this.position = position;
        this.sizeInBytes = sizeInBytes;
        this.onRelease = Objects.requireNonNull(onRelease);
    }

    public FileChannel channel() {
        return channel;
    }

    public long position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** Unpins the segment. Exactly once per slice. */
    public void release() {
        if (!released.compareAndSet(false, true)) {
            throw new IllegalStateException("FileSlice released twice: " + this);
        }
        onRelease.run();
    }

    public boolean isReleased() {
        return released.get();
    }

    @Override
    public int writeTo(TransferableChannel destination, int offset, int length) throws IOException {
        long count = Math.min(length, sizeInBytes - offset);
        return (int) destination.transferFrom(channel, position + offset, count);
    }

    @Override
    public RecordsSend<? extends TransferableRecords> toSend() {
        return new DefaultRecordsSend<>(this);
    }

    @Override
    public String toString() {
        return "FileSlice(position=" + position + ", size=" + sizeInBytes + ")";
    }
}
