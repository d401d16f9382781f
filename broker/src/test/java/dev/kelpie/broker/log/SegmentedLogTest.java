package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {
    static final TopicPartition TP = new TopicPartition("orders", 3);
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path logDir;
    final ManualClock clock = new ManualClock(T0);
    SegmentedLog log;

    static LogConfig smallSegments() {
        return LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "1024",
                LogConfig.INDEX_INTERVAL_BYTES, "100", LogConfig.FILE_DELETE_DELAY_MS, "0"));
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void appendAssignsOffsetsAndReadReturnsThem() {
        log = SegmentedLog.open(logDir, TP, smallSegments(), clock);
        LogAppendInfo a = log.appendAsLeader(TestRecords.batch(T0, "a", "b", "c"), 5);
        LogAppendInfo b = log.appendAsLeader(TestRecords.batch(T0, "d"), 5);

        assertThat(a.firstOffset()).isEqualTo(0);
        assertThat(a.lastOffset()).isEqualTo(2);
        assertThat(b.firstOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(4);
        List<TestRecords.Rec> recs = TestRecords.decode(log.read(1, 1 << 20, Long.MAX_VALUE, true));
        assertThat(recs).extracting(TestRecords.Rec::value).containsExactly("a", "b", "c", "d");
        assertThat(recs).extracting(TestRecords.Rec::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(log.dir()).isEqualTo(logDir.resolve("orders-3"));
    }

    @Test
    void reopenKeepsRecordsAcrossRolls() {
        log = SegmentedLog.open(logDir, TP, smallSegments(), clock);
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(TestRecords.batch(T0 + i, "value-" + i), 1);
        }
        assertThat(log.segmentCount()).isGreaterThan(2);
        log.close();
        log = SegmentedLog.open(logDir, TP, smallSegments(), clock);
        assertThat(log.logEndOffset()).isEqualTo(50);
        for (int i = 0; i < 50; i++) {
            List<TestRecords.Rec> recs = TestRecords.decode(log.read(i, 1, Long.MAX_VALUE, true));
            assertThat(recs.get(0).value()).isEqualTo("value-" + i);
        }
        assertThatThrownBy(() -> log.read(51, 100, Long.MAX_VALUE, true))
                .isInstanceOf(OffsetOutOfRangeException.class);
    }
}
