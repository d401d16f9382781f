package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cleaner and readers run on their own threads while the owner appends, truncates and deletes. */
class ConcurrentCleaningTest {
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path logDir;

    @Test
    void cleaningNeverBlocksOrCorruptsTheOwnerAndReaders() throws Exception {
        ManualClock clock = new ManualClock(T0);
        LogConfig config = LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "2048",
                LogConfig.CLEANUP_POLICY, "compact", LogConfig.FILE_DELETE_DELAY_MS, "0",
                LogConfig.INDEX_INTERVAL_BYTES, "256"));
        SegmentedLog log = SegmentedLog.open(logDir, new TopicPartition("c", 0), config, clock);
        LogCleaner cleaner = new LogCleaner(new LogCleaner.Settings(true, Long.MAX_VALUE, 1 << 20, 1000), clock,
                new LogMetrics(), () -> List.of(log));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger passes = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        Thread cleanerThread = new Thread(() -> {
            while (!stop.get()) {
                if (cleaner.clean(log)) {
                    passes.incrementAndGet();
                } else {
                    Thread.yield();
                }
            }
        });
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    long start = log.logStartOffset();
                    long end = log.logEndOffset();
                    if (end > start) {
                        TestRecords.decode(log.read(start + (end - start) / 2, 4096, Long.MAX_VALUE, true));
                        reads.incrementAndGet();
                    }
                }
            } catch (RuntimeException | AssertionError e) {
                failure.compareAndSet(null, e);
            }
        });
        cleanerThread.start();
        reader.start();
        Map<String, String> latest = new HashMap<>();
        try {
            for (int i = 0; i < 900; i++) {
                String key = "k" + (i % 17);
                log.appendAsLeader(TestRecords.keyed(T0, key, "v" + i), 0);
                latest.put(key, "v" + i);
                if (i % 300 == 299) {
                    long target = log.logEndOffset() - 3;
                    log.truncateTo(target);
                    latest.clear();
                }
            }
        } finally {
            stop.set(true);
            cleanerThread.join();
            reader.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(log.isOnline()).isTrue();
        assertThat(passes.get()).isPositive();
        assertThat(reads.get()).isPositive();
        cleaner.clean(log);
        Map<String, String> seen = new HashMap<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<TestRecords.Rec> recs = TestRecords.decode(log.read(offset, 1 << 20, Long.MAX_VALUE, true));
            for (TestRecords.Rec r : recs) {
                seen.put(r.key(), r.value());
                offset = r.offset() + 1;
            }
            if (recs.isEmpty()) {
                offset++;
            }
        }
        assertThat(seen).containsAllEntriesOf(latest);
        log.close();
    }
}
