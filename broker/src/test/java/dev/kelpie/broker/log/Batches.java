package dev.kelpie.broker.log;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.Records;
import java.util.zip.CRC32C;

/** Test-only header surgery on a single v2 batch at the start of a buffer, with the CRC recomputed. */
final class Batches {
    private static final int ATTRIBUTES_OFFSET = DefaultRecordBatch.CRC_OFFSET + 4;

    private Batches() {}

    static void setLastOffsetDelta(ByteBuffer buf, int delta) {
        buf.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, delta);
        int size = buf.getInt(Records.SIZE_OFFSET) + Records.LOG_OVERHEAD;
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(ATTRIBUTES_OFFSET).limit(size));
        buf.putInt(DefaultRecordBatch.CRC_OFFSET, (int) crc.getValue());
    }
}
