package dev.kelpie.bench;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.log.SegmentedLog;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;

/** A log filled once for the read benchmarks, flushed, then only read. */
final class FilledLog {
    private FilledLog() {}

    /** Appends {@code batches} copies of {@code batch} (re-used in place) to a new log under {@code dir}. */
    static SegmentedLog create(Path dir, MemoryRecords batch, int batches) {
        LogConfig config = LogConfig.defaults().withOverrides(Map.of(
                LogConfig.FLUSH_POLICY, "interval",
                LogConfig.SEGMENT_BYTES, Integer.toString(LogAppendBenchmark.SEGMENT_BYTES)));
        SegmentedLog log = SegmentedLog.open(dir, new TopicPartition("bench-read", 0), config, Clock.SYSTEM);
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(batch, 0);
            Batches.resetToProducerBatch(batch);
        }
        log.flush();
        return log;
    }
}
