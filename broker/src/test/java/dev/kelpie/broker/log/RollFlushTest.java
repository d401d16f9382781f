package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolls leave the sealed segment's fsync to the background pass: the appending thread never waits for it
 * (unless the previous roll's is still pending), the recovery point passes a sealed segment only after its
 * fsync, and recovery may truncate a torn write in the last two segments only.
 *
 * <p>The flusher pool of these logs has one thread; {@link #blockFlusher} parks it on a latch, which keeps
 * every background pass waiting in the queue, so the state between a roll and its pass can be observed.
 */
class RollFlushTest {
    static final TopicPartition TP = new TopicPartition("rolls", 0);
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path logDir;
    final ManualClock clock = new ManualClock(T0);
    final CountDownLatch flusherReleased = new CountDownLatch(1);
    volatile Thread flusherThread;
    LogEnvironment env;
    SegmentedLog log;

    static LogConfig config(String flushPolicy) {
        return LogConfig.defaults().withOverrides(Map.of(LogConfig.SEGMENT_BYTES, "1024",
                LogConfig.INDEX_INTERVAL_BYTES, "64", LogConfig.FLUSH_POLICY, flushPolicy));
    }

    @AfterEach
    void close() {
        flusherReleased.countDown();
        if (log != null) {
            log.close();
        }
        if (env != null) {
            env.close();
        }
    }

    private SegmentedLog open(String flushPolicy) {
        if (env == null) {
            env = new LogEnvironment(1);
        }
        log = SegmentedLog.open(logDir, TP, config(flushPolicy), clock, env);
        return log;
    }

    /** Occupies the only flusher thread until {@link #flusherReleased}; returns once it is occupied. */
    private void blockFlusher() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        env.flusher().request(() -> {
            flusherThread = Thread.currentThread();
            entered.countDown();
            try {
                flusherReleased.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Appends single-record batches until the log has {@code segments} segments. */
    private void appendUntilSegments(int segments) {
        int i = 0;
        while (log.segmentCount() < segments) {
            log.appendAsLeader(TestRecords.batch(T0 + i, "value-" + i), 1);
            i++;
        }
    }

    private long recoveryPointOnDisk() throws IOException {
        return PartitionCheckpoint.read(log.dir()).recoveryPoint();
    }

    private Path segmentFile(long base, String kind) {
        return logDir.resolve(SegmentedLog.dirName(TP)).resolve(LogSegment.fileStem(base) + kind);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x5a));
            ch.write(b.flip(), position);
        }
    }

    @Test
    void rollLeavesTheFsyncToTheBackgroundPassAndTheRecoveryPointFollowsIt() throws Exception {
        open("interval");
        blockFlusher();
        appendUntilSegments(2);
        long sealedBase = log.segmentBaseOffsets().get(0);
        long activeBase = log.segmentBaseOffsets().get(1);
        LogSegment sealed = log.segmentMap().get(sealedBase);

        assertThat(sealed.isRollFlushPending()).as("sealed, fsync pending").isTrue();
        assertThat(log.metrics().fsyncCount()).as("no fsync on the appending thread").isZero();
        assertThat(Files.size(segmentFile(sealedBase, ".index"))).as("index not trimmed yet")
                .isEqualTo(LogConfig.defaults().segmentIndexBytes() / 8 * 8);
        assertThat(log.durableOffset()).isZero();
        assertThat(recoveryPointOnDisk()).isZero();

        flusherReleased.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() == activeBase);
        assertThat(sealed.isRollFlushPending()).isFalse();
        assertThat(log.durableOffset()).isEqualTo(activeBase);
        assertThat(log.metrics().fsyncCount()).isPositive();
        assertThat(Files.size(segmentFile(sealedBase, ".index")))
                .isEqualTo(sealed.offsetIndex().entries() * 8L);
        assertThat(log.dir().resolve(String.format("%020d.snapshot", activeBase))).exists();
    }

    @Test
    void recoveryPointStaysBelowASealedSegmentWhoseFsyncCannotFinish() throws Exception {
        open("sync");
        blockFlusher();
        appendUntilSegments(2);
        long activeBase = log.segmentBaseOffsets().get(1);
        LogSegment sealed = log.segmentMap().get(log.segmentBaseOffsets().get(0));
        CompletableFuture<Void> durable = log.awaitDurable(log.logEndOffset());
        // completing the seal needs the segment's monitor: while the test holds it, that fsync cannot finish
        synchronized (sealed) {
            flusherReleased.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> flusherThread.getState() == Thread.State.BLOCKED);
            assertThat(durable).isNotDone();
            assertThat(log.durableOffset()).isZero();
            assertThat(recoveryPointOnDisk()).isZero();
        }
        assertThat(durable).succeedsWithin(Duration.ofSeconds(10));
        assertThat(sealed.isRollFlushPending()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() >= activeBase);
    }

    @Test
    void aRollWaitsForThePreviousRollsFsyncSoOnlyTheLastTwoSegmentsAreUnsynced() throws Exception {
        open("interval");
        blockFlusher();
        appendUntilSegments(4);
        List<Long> bases = log.segmentBaseOffsets();
        assertThat(log.segmentMap().get(bases.get(0)).isRollFlushPending()).isFalse();
        assertThat(log.segmentMap().get(bases.get(1)).isRollFlushPending()).isFalse();
        assertThat(log.segmentMap().get(bases.get(2)).isRollFlushPending()).isTrue();
        assertThat(log.metrics().fsyncCount()).as("completed on the appending thread").isEqualTo(2);
        assertThat(log.durableOffset()).as("advanced by the background pass only").isZero();
    }

    @Test
    void tornWriteInTheSecondToLastSegmentIsTruncatedAndTheLastSegmentDropped() throws Exception {
        open("interval");
        blockFlusher();
        appendUntilSegments(2);
        List<Long> bases = log.segmentBaseOffsets();
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "tail-" + i), 1);
        }
        long lastSize = Files.size(segmentFile(bases.get(1), ".log"));
        long sealedSize = Files.size(segmentFile(bases.get(0), ".log"));
        int batchBytes = TestRecords.batch(T0, "value-0").sizeInBytes();
        log.crashForTesting();
        log = null;
        // the sealed segment was never fsynced: a power loss may leave any of its pages unwritten
        flipByte(segmentFile(bases.get(0), ".log"), batchBytes * 2L + 30);

        open("interval");
        assertThat(log.isOnline()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.segmentBaseOffsets()).containsExactly(bases.get(0));
        assertThat(segmentFile(bases.get(1), ".log")).doesNotExist();
        assertThat(log.recoveryTruncatedBytes()).isEqualTo(sealedSize - 2L * batchBytes + lastSize);
        assertThat(log.appendAsLeader(TestRecords.batch(T0, "after"), 1).firstOffset()).isEqualTo(2);
    }

    @Test
    void damageInAnOlderSegmentThanTheLastTwoStillTakesThePartitionOffline() throws Exception {
        open("interval");
        blockFlusher();
        appendUntilSegments(3);
        List<Long> bases = log.segmentBaseOffsets();
        assertThat(recoveryPointOnDisk()).as("nothing recorded durable: all three are scanned").isZero();
        log.crashForTesting();
        log = null;
        flipByte(segmentFile(bases.get(0), ".log"), 40);

        open("interval");
        assertThat(log.isOnline()).isFalse();
        assertThat(log.offlineReason()).contains(LogSegment.fileStem(bases.get(0)) + ".log");
        assertThatThrownBy(() -> log.read(bases.get(2), 100, Long.MAX_VALUE, true))
                .isInstanceOf(KafkaStorageException.class);
        assertThat(Files.size(segmentFile(bases.get(2), ".log"))).as("nothing dropped").isPositive();
    }

    @Test
    void damageInTheSecondToLastSegmentAfterItsFsyncWasRecordedIsNeverServed() throws Exception {
        open("interval");
        appendUntilSegments(2);
        List<Long> bases = log.segmentBaseOffsets();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() == bases.get(1));
        log.appendAsLeader(TestRecords.batch(T0, "tail"), 1);
        log.crashForTesting();
        log = null;
        flipByte(segmentFile(bases.get(0), ".log"), 40);

        open("interval");
        assertThat(log.isOnline()).isTrue();
        assertThat(log.segmentBaseOffsets()).containsExactlyElementsOf(bases);
        assertThatThrownBy(() -> log.read(0, 1 << 20, Long.MAX_VALUE, true))
                .isInstanceOf(KafkaStorageException.class)
                .hasMessageContaining(LogSegment.fileStem(bases.get(0)) + ".log");
        assertThat(log.isOnline()).isFalse();
    }

    @Test
    void closeCompletesPendingRollFlushes() throws Exception {
        open("interval");
        blockFlusher();
        appendUntilSegments(2);
        long sealedBase = log.segmentBaseOffsets().get(0);
        LogSegment sealed = log.segmentMap().get(sealedBase);
        long end = log.logEndOffset();
        log.close();
        assertThat(sealed.isRollFlushPending()).isFalse();
        PartitionCheckpoint checkpoint = PartitionCheckpoint.read(log.dir());
        assertThat(checkpoint.recoveryPoint()).isEqualTo(end);
        assertThat(checkpoint.cleanShutdown()).isTrue();
        log = null;
    }
}
