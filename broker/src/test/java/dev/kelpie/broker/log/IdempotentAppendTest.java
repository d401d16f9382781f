package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotentAppendTest {
    static final long T0 = 1_700_000_000_000L;
    static final TopicPartition TP = new TopicPartition("idem", 0);
    static final long PID = 4242;

    @TempDir
    Path logDir;
    final ManualClock clock = new ManualClock(T0);
    SegmentedLog log;

    static LogConfig config() {
        return LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "1024",
                LogConfig.FILE_DELETE_DELAY_MS, "0"));
    }

    static MemoryRecords idempotent(short epoch, int baseSequence, String... values) {
        SimpleRecord[] recs = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            recs[i] = new SimpleRecord(T0, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, PID, epoch, baseSequence, recs);
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void retryReturnsOriginalOffsetsWithoutWriting() {
        log = SegmentedLog.open(logDir, TP, config(), clock);
        log.appendAsLeader(TestRecords.batch(T0, "plain"), 0);
        LogAppendInfo first = log.appendAsLeader(idempotent((short) 0, 0, "a", "b"), 0);
        LogAppendInfo retry = log.appendAsLeader(idempotent((short) 0, 0, "a", "b"), 0);
        assertThat(first.duplicate()).isFalse();
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset());
        assertThat(retry.lastOffset()).isEqualTo(first.lastOffset());
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.appendAsLeader(idempotent((short) 0, 2, "c"), 0).firstOffset()).isEqualTo(3);
    }

    @Test
    void sequenceGapsAndStaleEpochsAreRejected() {
        log = SegmentedLog.open(logDir, TP, config(), clock);
        log.appendAsLeader(idempotent((short) 3, 0, "a"), 0);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent((short) 3, 5, "x"), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent((short) 2, 1, "x"), 0))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void stateSurvivesCleanCloseCrashAndRolls() {
        log = SegmentedLog.open(logDir, TP, config(), clock);
        int seq = 0;
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(idempotent((short) 0, seq, "value-" + i), 0);
            seq++;
        }
        assertThat(log.segmentCount()).isGreaterThan(2);
        log.close();
        log = SegmentedLog.open(logDir, TP, config(), clock);
        assertThat(log.appendAsLeader(idempotent((short) 0, seq - 1, "value-29"), 0).duplicate()).isTrue();
        log.appendAsLeader(idempotent((short) 0, seq, "value-30"), 0);
        seq++;
        log.crashForTesting();
        log = SegmentedLog.open(logDir, TP, config(), clock);
        LogAppendInfo retried = log.appendAsLeader(idempotent((short) 0, seq - 1, "value-30"), 0);
        assertThat(retried.duplicate()).isTrue();
        assertThat(retried.firstOffset()).isEqualTo(30);
        int gap = seq + 1;
        assertThatThrownBy(() -> log.appendAsLeader(idempotent((short) 0, gap, "gap"), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void truncationRewindsProducerState() {
        log = SegmentedLog.open(logDir, TP, config(), clock);
        for (int seq = 0; seq < 20; seq++) {
            log.appendAsLeader(idempotent((short) 0, seq, "value-" + seq), 0);
        }
        log.truncateTo(10);
        LogAppendInfo again = log.appendAsLeader(idempotent((short) 0, 10, "value-10b"), 0);
        assertThat(again.duplicate()).isFalse();
        assertThat(again.firstOffset()).isEqualTo(10);
        log.truncateFullyAndStartAt(50);
        assertThat(log.appendAsLeader(idempotent((short) 0, 77, "fresh"), 0).firstOffset()).isEqualTo(50);
    }

    @Test
    void followerAppendsFeedProducerState() {
        log = SegmentedLog.open(logDir, TP, config(), clock);
        MemoryRecords replicated = MemoryRecords.withIdempotentRecords(Compression.NONE, PID, (short) 1, 0,
                new SimpleRecord(T0, "r".getBytes(StandardCharsets.UTF_8)));
        log.appendAsFollower(replicated);
        assertThat(log.appendAsLeader(idempotent((short) 1, 0, "r"), 0).duplicate()).isTrue();
        assertThat(log.appendAsLeader(idempotent((short) 1, 1, "s"), 0).firstOffset()).isEqualTo(1);
    }
}
