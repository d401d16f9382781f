package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.internal.CompressionType;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** {@link SnappyFrames} on streams written by kafka-clients' snappy codec, whole, concatenated and forged. */
class SnappyFramesTest {
    /** 300 KB of text, several of snappy-java's 32 KB chunks. */
    private static final byte[] RAW = "kelpie snappy frames ".repeat(15_000).getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsWhatKafkaClientsWritesUpToItsInflatedSize() {
        byte[] stream = BadBatches.compress(CompressionType.SNAPPY, RAW);
        assertThatCode(() -> SnappyFrames.check(ByteBuffer.wrap(stream), RAW.length)).doesNotThrowAnyException();
        assertThatThrownBy(() -> SnappyFrames.check(ByteBuffer.wrap(stream), RAW.length - 1))
                .isInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void acceptsConcatenatedStreamsAndCountsBoth() {
        byte[] one = BadBatches.compress(CompressionType.SNAPPY, RAW);
        byte[] two = Arrays.copyOf(one, one.length * 2);
        System.arraycopy(one, 0, two, one.length, one.length);
        assertThatCode(() -> SnappyFrames.check(ByteBuffer.wrap(two), 2 * RAW.length)).doesNotThrowAnyException();
        assertThatThrownBy(() -> SnappyFrames.check(ByteBuffer.wrap(two), 2 * RAW.length - 1))
                .isInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void checksAHeaderlessRawBlockByItsDeclaredLength() throws Exception {
        byte[] raw = Snappy.compress(RAW);
        assertThatCode(() -> SnappyFrames.check(ByteBuffer.wrap(raw), RAW.length)).doesNotThrowAnyException();
        assertThatThrownBy(() -> SnappyFrames.check(ByteBuffer.wrap(raw), RAW.length - 1))
                .isInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void refusesChunksBeyondTheBytesSentOrWithoutALength() {
        byte[] stream = BadBatches.compress(CompressionType.SNAPPY, RAW);
        byte[] cut = Arrays.copyOf(stream, stream.length - 10);
        assertThatThrownBy(() -> SnappyFrames.check(ByteBuffer.wrap(cut), Integer.MAX_VALUE))
                .isInstanceOf(CorruptRecordException.class);
        byte[] negative = stream.clone();
        ByteBuffer.wrap(negative).putInt(16, -1);
        assertThatThrownBy(() -> SnappyFrames.check(ByteBuffer.wrap(negative), Integer.MAX_VALUE))
                .isInstanceOf(CorruptRecordException.class);
        byte[] emptyBlock = Arrays.copyOf(stream, 20);
        ByteBuffer.wrap(emptyBlock).putInt(16, 0);
        assertThatThrownBy(() -> SnappyFrames.check(ByteBuffer.wrap(emptyBlock), Integer.MAX_VALUE))
                .isInstanceOf(CorruptRecordException.class);
    }
}
