package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.log.LogConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class RecompressorTest {
    private static MemoryRecords idempotentBatch(Compression compression) {
        SimpleRecord[] records = new SimpleRecord[5];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(1000 + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8),
                    new RecordHeader[] {new RecordHeader("h", new byte[] {(byte) i})});
        }
        return MemoryRecords.withIdempotentRecords(compression, 42L, (short) 3, 17, records);
    }

    private static LogConfig topic(String compressionType) {
        return LogConfig.defaults().withOverrides(Map.of("compression.type", compressionType));
    }

    @Test
    void rebuildsWithTheTopicCodecKeepingProducerStateAndRecords() {
        MemoryRecords lz4 = idempotentBatch(Compression.lz4().build());
        MemoryRecords gzip = Recompressor.apply(lz4, topic("gzip"));
        MutableRecordBatch batch = gzip.batches().iterator().next();
        assertThat(batch.compressionType()).isEqualTo(CompressionType.GZIP);
        assertThat(batch.isValid()).isTrue();
        assertThat(batch.producerId()).isEqualTo(42L);
        assertThat(batch.producerEpoch()).isEqualTo((short) 3);
        assertThat(batch.baseSequence()).isEqualTo(17);
        assertThat(batch.lastSequence()).isEqualTo(21);
        List<String> values = new ArrayList<>();
        for (Record r : batch) {
            values.add(StandardCharsets.UTF_8.decode(r.value()).toString() + "@" + r.offset() + "/" + r.timestamp()
                    + "/" + r.headers()[0].value()[0]);
        }
        assertThat(values).containsExactly("v0@0/1000/0", "v1@1/1001/1", "v2@2/1002/2", "v3@3/1003/3",
                "v4@4/1004/4");
    }

    @Test
    void leavesBatchesAloneWhenTheCodecAlreadyMatchesOrTheTopicSaysProducer() {
        MemoryRecords zstd = idempotentBatch(Compression.zstd().build());
        assertThat(Recompressor.apply(zstd, topic("producer"))).isSameAs(zstd);
        assertThat(Recompressor.apply(zstd, topic("zstd"))).isSameAs(zstd);
        MemoryRecords none = idempotentBatch(Compression.NONE);
        assertThat(Recompressor.apply(none, topic("uncompressed"))).isSameAs(none);
        MemoryRecords decompressed = Recompressor.apply(zstd, topic("uncompressed"));
        assertThat(decompressed.batches().iterator().next().compressionType()).isEqualTo(CompressionType.NONE);
    }

    @Test
    void corruptBatchIsRejectedBeforeRecompression() {
        MemoryRecords lz4 = idempotentBatch(Compression.lz4().build());
        lz4.buffer().put(lz4.sizeInBytes() - 2, (byte) (lz4.buffer().get(lz4.sizeInBytes() - 2) ^ 0x55));
        assertThatThrownBy(() -> Recompressor.apply(lz4, topic("gzip"))).isInstanceOf(CorruptRecordException.class);
    }
}
