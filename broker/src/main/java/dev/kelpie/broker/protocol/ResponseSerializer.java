package dev.kelpie.broker.protocol;

import dev.kelpie.broker.log.FileSlice;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;

/**
 * Encodes a response frame: {@code int32 size | response header | body}, with kafka-clients 4.4's generated
 * {@code addSize}/{@code write} and one {@code ObjectSerializationCache} shared by sizing and writing (the
 * cache holds the UTF-8 bytes of every string between the two passes).
 *
 * <p>The header version is {@code key.responseHeaderVersion(version)}: v1 (tagged fields) for flexible
 * versions, v0 otherwise, and always v0 for ApiVersions. Records are not copied; see {@link ByteBufWritable}.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class ResponseSerializer {
    private ResponseSerializer() {
    }

    /**
     * @return outbound parts in wire order ({@code ByteBuf}s and {@code FileRegion}s), owned by the caller;
     *     every {@link FileSlice} in {@code body} is owned by exactly one returned region
     * @throws RuntimeException if the body cannot be written at {@code version} (a programmer error, e.g. a
     *     field set that the version lacks); parts made so far are released, FileSlices not yet reached are not
     */
    public static List<Object> serialize(int correlationId, ApiKeys key, short version, ApiMessage body,
            ByteBufAllocator allocator) {
        short headerVersion = key.responseHeaderVersion(version);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        ByteBufWritable out = new ByteBufWritable(allocator, Integer.BYTES + size.sizeExcludingZeroCopy());
        try {
            out.writeInt(size.totalSize());
            header.write(out, cache, headerVersion);
            body.write(out, cache, version);
            return out.finish();
        } catch (RuntimeException e) {
            out.releaseAll();
            throw e;
        }
    }

    /**
     * Releases every {@link FileSlice} in a response that will never be sent (its connection closed first),
     * by walking it with a writer that keeps nothing.
     *
     * @throws RuntimeException if the body cannot be written at {@code version}
     */
    public static void discard(ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        body.addSize(new MessageSizeAccumulator(), cache, version);
        body.write(new SliceReleasingWritable(), cache, version);
    }

    /** Discards every byte; releases FileSlices. */
    private static final class SliceReleasingWritable implements Writable {
        @Override
        public void writeRecords(BaseRecords records) {
            if (records instanceof FileSlice slice) {
                slice.release();
            }
        }

        @Override
        public void writeByte(byte val) {
        }

        @Override
        public void writeShort(short val) {
        }

        @Override
        public void writeInt(int val) {
        }

        @Override
        public void writeLong(long val) {
        }

        @Override
        public void writeDouble(double val) {
        }

        @Override
        public void writeByteArray(byte[] arr) {
        }

        @Override
        public void writeUnsignedVarint(int i) {
        }

        @Override
        public void writeByteBuffer(ByteBuffer buf) {
        }

        @Override
        public void writeVarint(int i) {
        }

        @Override
        public void writeVarlong(long i) {
        }
    }
}
