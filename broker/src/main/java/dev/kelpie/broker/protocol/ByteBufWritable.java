package dev.kelpie.broker.protocol;

import dev.kelpie.broker.log.FileSlice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;

/**
 * A kafka-clients {@link Writable} that turns one serialised message into Netty outbound parts.
 *
 * <p>Primitives, strings and varints go into one buffer sized exactly to the message's non-zero-copy bytes
 * ({@code MessageSizeAccumulator.sizeExcludingZeroCopy()}). Zero-copy fields end the current run of that
 * buffer (a retained slice) and become their own part: a {@link FileSlice} becomes a {@link FileSliceRegion}
 * ({@code sendfile}), a {@code MemoryRecords} or zero-copy bytes field a wrapped {@code ByteBuf} without
 * copying. This mirrors Kafka's {@code SendBuilder}.
 *
 * <p>Ownership: the parts belong to the caller after {@link #finish()}; on failure {@link #releaseAll()}
 * releases them (and with them any FileSlice already visited).
 *
 * <p>Thread-safety: none; used by one thread for one message.
 */
final class ByteBufWritable implements Writable {
    private final ByteBuf buffer;
    private final int sizeBytes;
    private final List<Object> parts = new ArrayList<>();
    private int runStart;

    /** Allocates the buffer for exactly {@code sizeBytes} non-zero-copy bytes; writing more throws. */
    ByteBufWritable(ByteBufAllocator allocator, int sizeBytes) {
        this.buffer = allocator.buffer(sizeBytes, sizeBytes);
        this.sizeBytes = sizeBytes;
    }

    @Override
    public void writeByte(byte val) {
        buffer.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        buffer.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        buffer.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        buffer.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        buffer.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        buffer.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        int value = i;
        while ((value & 0xFFFFFF80) != 0) {
            buffer.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte(value);
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long value = (i << 1) ^ (i >> 63);
        while ((value & 0xFFFFFFFFFFFFFF80L) != 0) {
            buffer.writeByte(((int) value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte((int) value);
    }

    /** Only zero-copy fields arrive here (generated code writes other bytes fields with writeByteArray). */
    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        endRun();
        if (buf.hasRemaining()) {
            parts.add(Unpooled.wrappedBuffer(buf.duplicate()));
        }
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof FileSlice slice) {
            endRun();
            if (slice.sizeInBytes() == 0) {
                slice.release();
            } else {
                parts.add(new FileSliceRegion(slice));
            }
        } else {
            Writable.super.writeRecords(records);
        }
    }

    /**
     * Ends the last run and returns the parts in wire order.
     *
     * @throws IllegalStateException if fewer bytes were written than the buffer was sized for
     */
    List<Object> finish() {
        if (buffer.writerIndex() != sizeBytes) {
            throw new IllegalStateException("message sized " + sizeBytes + " bytes but wrote " + buffer.writerIndex());
        }
        endRun();
        buffer.release();
        return parts;
    }

    /** Releases the buffer and every part made so far. */
    void releaseAll() {
        parts.forEach(ReferenceCountUtil::safeRelease);
        parts.clear();
        if (buffer.refCnt() > 0) {
            buffer.release();
        }
    }

    private void endRun() {
        int end = buffer.writerIndex();
        if (end > runStart) {
            parts.add(buffer.retainedSlice(runStart, end - runStart));
            runStart = end;
        }
    }
}
