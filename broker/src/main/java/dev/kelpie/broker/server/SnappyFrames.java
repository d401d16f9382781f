package dev.kelpie.broker.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyCodec;

/**
 * Checks the snappy stream of a producer batch before snappy-java inflates it.
 *
 * <p>Kafka's snappy codec is snappy-java's stream format: a {@link SnappyCodec#HEADER_SIZE 16-byte} header
 * (magic, version, compatible version), then chunks, each an int32 length and a raw snappy block whose first
 * bytes are its uncompressed length as a varint; a stream may be a concatenation of such streams, header
 * again; fewer than 4 trailing bytes end it. Without the header the whole stream is one raw block.
 * snappy-java allocates a chunk's declared length (up to 512 MiB) and a block's declared uncompressed length
 * (up to 2 GiB) before reading either, and reports a negative or oversized chunk with an {@code Error}, so a few
 * forged bytes could make the broker allocate gigabytes or kill the thread decoding them.
 *
 * <p>The check walks only the chunk headers: every chunk must lie within the bytes sent (else
 * CORRUPT_MESSAGE), and the blocks' declared uncompressed lengths must add up to at most the batch's inflation
 * cap (else MESSAGE_TOO_LARGE). The blocks themselves are left to snappy-java.
 *
 * <p>Thread-safety: stateless.
 */
final class SnappyFrames {
    /** A varint32 takes at most 5 bytes. */
    private static final int VARINT_BYTES_MAX = 5;

    private SnappyFrames() {
    }

    /**
     * @param stream the batch's records region (position to limit); not modified
     * @param inflatedBytesMax the most bytes the blocks may declare in total
     */
    static void check(ByteBuffer stream, int inflatedBytesMax) {
        ByteBuffer in = stream.duplicate();
        if (!hasHeaderAt(in)) {
            declared(in, in.remaining(), 0, inflatedBytesMax);
            return;
        }
        long inflated = 0;
        while (in.remaining() >= Integer.BYTES) {
            if (hasHeaderAt(in)) {
                in.position(in.position() + SnappyCodec.HEADER_SIZE);
                continue;
            }
            int chunkBytes = in.getInt();
            if (chunkBytes < 0 || chunkBytes > in.remaining()) {
                throw new CorruptRecordException("Snappy chunk of " + chunkBytes + " bytes where "
                        + in.remaining() + " remain");
            }
            inflated = declared(in, chunkBytes, inflated, inflatedBytesMax);
            in.position(in.position() + chunkBytes);
        }
    }

    private static boolean hasHeaderAt(ByteBuffer in) {
        if (in.remaining() < SnappyCodec.HEADER_SIZE || in.getInt(in.position()) != SnappyCodec.MAGIC_HEADER_HEAD) {
            return false;
        }
        byte[] header = new byte[SnappyCodec.HEADER_SIZE];
        in.get(in.position(), header);
        return SnappyCodec.hasMagicHeaderPrefix(header);
    }

    /** Adds the uncompressed length the block at the position declares to {@code inflated}. */
    private static long declared(ByteBuffer in, int blockBytes, long inflated, int inflatedBytesMax) {
        byte[] prefix = new byte[Math.min(blockBytes, VARINT_BYTES_MAX)];
        in.get(in.position(), prefix);
        int length;
        try {
            length = Snappy.uncompressedLength(prefix, 0, prefix.length);
        } catch (IOException e) {
            throw new CorruptRecordException("Malformed snappy block: " + e.getMessage());
        }
        long total = inflated + Integer.toUnsignedLong(length);
        if (total > inflatedBytesMax) {
            throw new RecordTooLargeException("Snappy stream inflates to more than " + inflatedBytesMax + " bytes");
        }
        return total;
    }
}
