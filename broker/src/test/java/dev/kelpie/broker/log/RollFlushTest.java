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
import org.apache.kafka.common.record.internal.FileLogInputStream;
import org.apache.kafka.common.record.internal.FileRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rolls leave the sealed segment's fsync to the background pass: the appending thread never waits for it, however
 * many sealed segments are still waiting; under {@code flush.policy=sync} the roll's pass fsyncs it, under
 * {@code interval} the first pass after {@link LogEnvironment#rollFlushDelayMs()} (requested by
 * {@link SegmentedLog#flushIfDue}); the recovery point passes a sealed segment only after its fsync; and recovery
 * truncates a torn write anywhere above the recovery point, but takes the log offline for damage below.
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

    /** The interval policy's periodic maintenance once the roll flush delay has passed. */
    private void runMaintenanceAfterRollFlushDelay() {
        clock.advanceMs(env.rollFlushDelayMs());
        log.flushIfDue();
    }

    private Path snapshotFile(long offset) {
        return log.dir().resolve(String.format("%020d.snapshot", offset));
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

    /** The file position of the {@code index}-th batch of a segment file. */
    private static int batchPosition(Path segment, int index) throws IOException {
        try (FileRecords records = FileRecords.open(segment.toFile())) {
            int i = 0;
            for (FileLogInputStream.FileChannelRecordBatch batch : records.batches()) {
                if (i++ == index) {
                    return batch.position();
                }
            }
        }
        throw new IllegalArgumentException(segment + " has no batch " + index);
    }

    @Test
    void rollLeavesTheFsyncToTheBackgroundPassAndTheRecoveryPointFollowsIt() throws Exception {
        open("sync");
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
        // no clock movement: under sync the roll's own pass fsyncs the sealed segment (and the active one)
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() >= activeBase);
        assertThat(sealed.isRollFlushPending()).isFalse();
        assertThat(log.durableOffset()).isGreaterThanOrEqualTo(activeBase);
        assertThat(log.metrics().fsyncCount()).isPositive();
        assertThat(Files.size(segmentFile(sealedBase, ".index")))
                .isEqualTo(sealed.offsetIndex().entries() * 8L);
        assertThat(snapshotFile(activeBase)).exists();
    }

    @Test
    void intervalDefersTheSealedSegmentsFsyncUntilTheDelayPassedAndTheMaintenanceRan() throws Exception {
        open("interval");
        appendUntilSegments(3);
        List<Long> bases = log.segmentBaseOffsets();
        // the roll's pass ran: it wrote the producer snapshot but left the segments' fsyncs for later
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(snapshotFile(bases.get(2))));
        for (long base : bases.subList(0, 2)) {
            assertThat(log.segmentMap().get(base).isRollFlushPending()).as("segment %d not fsynced", base).isTrue();
        }
        assertThat(log.metrics().fsyncCount()).isZero();
        assertThat(log.durableOffset()).isZero();
        assertThat(recoveryPointOnDisk()).isZero();

        clock.advanceMs(env.rollFlushDelayMs() - 1);
        log.flushIfDue();
        assertThat(log.segmentMap().get(bases.get(0)).isRollFlushPending()).as("delay not passed yet").isTrue();

        clock.advanceMs(1);
        log.flushIfDue();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() == bases.get(2));
        for (long base : bases.subList(0, 2)) {
            assertThat(log.segmentMap().get(base).isRollFlushPending()).isFalse();
        }
        assertThat(log.durableOffset()).as("the active segment is left to flush.ms").isEqualTo(bases.get(2));
        assertThat(log.metrics().fsyncCount()).isEqualTo(2);
    }

    @Test
    void intervalFsyncsOnlySegmentsSealedLongEnoughAgoAndTheRecoveryPointStopsAtTheFirstOtherOne() throws Exception {
        open("interval");
        appendUntilSegments(2);
        clock.advanceMs(env.rollFlushDelayMs() / 2);
        appendUntilSegments(3);
        List<Long> bases = log.segmentBaseOffsets();
        clock.advanceMs(env.rollFlushDelayMs() / 2);
        log.flushIfDue();

        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() == bases.get(1));
        assertThat(log.segmentMap().get(bases.get(0)).isRollFlushPending()).isFalse();
        assertThat(log.segmentMap().get(bases.get(1)).isRollFlushPending()).as("sealed too recently").isTrue();
        assertThat(log.durableOffset()).isEqualTo(bases.get(1));

        runMaintenanceAfterRollFlushDelay();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() == bases.get(2));
        assertThat(log.segmentMap().get(bases.get(1)).isRollFlushPending()).isFalse();
    }

    @Test
    void intervalExplicitFlushFsyncsEverySealedSegmentWhateverItsAge() throws Exception {
        open("interval");
        appendUntilSegments(3);
        List<Long> bases = log.segmentBaseOffsets();
        log.flush();
        for (long base : bases.subList(0, 2)) {
            assertThat(log.segmentMap().get(base).isRollFlushPending()).isFalse();
        }
        assertThat(log.durableOffset()).isEqualTo(log.logEndOffset());
        assertThat(recoveryPointOnDisk()).isEqualTo(log.logEndOffset());
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

    @ParameterizedTest
    @ValueSource(strings = {"sync", "interval"})
    void rollsNeverWaitForEarlierRollsFsyncs(String flushPolicy) throws Exception {
        open(flushPolicy);
        blockFlusher();
        appendUntilSegments(5);
        List<Long> bases = log.segmentBaseOffsets();
        for (long base : bases.subList(0, 4)) {
            assertThat(log.segmentMap().get(base).isRollFlushPending()).as("segment %d still unsynced", base).isTrue();
        }
        assertThat(log.metrics().fsyncCount()).as("no fsync on the appending thread").isZero();
        assertThat(log.durableOffset()).isZero();

        flusherReleased.countDown();
        if (flushPolicy.equals("interval")) {
            runMaintenanceAfterRollFlushDelay();
        }
        // under sync the pass also fsyncs the active segment, so the recovery point may enter it
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() >= bases.get(4));
        for (long base : bases.subList(0, 4)) {
            assertThat(log.segmentMap().get(base).isRollFlushPending()).isFalse();
        }
        assertThat(log.durableOffset()).isGreaterThanOrEqualTo(bases.get(4));
    }

    @Test
    void sealedSegmentRemovedByRetentionBeforeItsFsyncIsSkipped() throws Exception {
        open("interval");
        blockFlusher();
        appendUntilSegments(4);
        List<Long> bases = log.segmentBaseOffsets();
        LogSegment doomed = log.segmentMap().get(bases.get(0));
        log.deleteRecordsBefore(bases.get(2));
        assertThat(log.segmentBaseOffsets()).containsExactlyElementsOf(bases.subList(2, 4));

        flusherReleased.countDown();
        runMaintenanceAfterRollFlushDelay();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() == bases.get(3));
        assertThat(doomed.isRollFlushPending()).as("deleted before its fsync: never fsynced").isTrue();
        assertThat(log.segmentMap().get(bases.get(2)).isRollFlushPending()).isFalse();
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
    void tornWriteInAnyUnsyncedSegmentAboveTheRecoveryPointIsTruncatedAndLaterSegmentsRemoved() throws Exception {
        open("interval");
        appendUntilSegments(2);
        long recoveryPoint = log.segmentBaseOffsets().get(1);
        runMaintenanceAfterRollFlushDelay();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryPointOnDisk() == recoveryPoint);
        blockFlusher();
        appendUntilSegments(6);
        List<Long> bases = log.segmentBaseOffsets();
        assertThat(recoveryPointOnDisk()).as("four sealed segments above the recovery point").isEqualTo(bases.get(1));
        long[] sizes = new long[6];
        for (int i = 0; i < 6; i++) {
            sizes[i] = Files.size(segmentFile(bases.get(i), ".log"));
        }
        int tear = batchPosition(segmentFile(bases.get(3), ".log"), 2);
        log.crashForTesting();
        log = null;
        // segment 3 was never fsynced: a power loss may leave any of its pages unwritten
        flipByte(segmentFile(bases.get(3), ".log"), tear + 30L);

        open("interval");
        assertThat(log.isOnline()).isTrue();
        assertThat(log.segmentBaseOffsets()).containsExactlyElementsOf(bases.subList(0, 4));
        assertThat(log.logEndOffset()).isEqualTo(bases.get(3) + 2);
        assertThat(segmentFile(bases.get(4), ".log")).doesNotExist();
        assertThat(segmentFile(bases.get(5), ".log")).doesNotExist();
        assertThat(log.recoveryTruncatedBytes()).isEqualTo(sizes[3] - tear + sizes[4] + sizes[5]);
        assertThat(recoveryPointOnDisk()).as("recovered segments are fsynced").isEqualTo(bases.get(3) + 2);
        assertThat(log.appendAsLeader(TestRecords.batch(T0, "after"), 1).firstOffset()).isEqualTo(bases.get(3) + 2);
    }

    @Test
    void damageBelowTheRecoveryPointTakesThePartitionOfflineWhateverFollows() throws Exception {
        open("interval");
        appendUntilSegments(2);
        List<Long> first = log.segmentBaseOffsets();
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(TestRecords.batch(T0, "tail-" + i), 1);
        }
        log.flush();
        long recoveryPoint = log.logEndOffset();
        assertThat(recoveryPointOnDisk()).as("inside the second segment").isEqualTo(recoveryPoint);
        blockFlusher();
        appendUntilSegments(5);
        List<Long> bases = log.segmentBaseOffsets();
        int damage = batchPosition(segmentFile(first.get(1), ".log"), 1);
        log.crashForTesting();
        log = null;
        // offset first[1] + 1 is below the recovery point: it was fsynced, so invalid bytes there are damage
        flipByte(segmentFile(first.get(1), ".log"), damage + 30L);

        open("interval");
        assertThat(log.isOnline()).isFalse();
        assertThat(log.offlineReason()).contains(LogSegment.fileStem(first.get(1)) + ".log")
                .contains("position " + damage);
        assertThatThrownBy(() -> log.read(bases.get(4), 100, Long.MAX_VALUE, true))
                .isInstanceOf(KafkaStorageException.class);
        for (long base : bases) {
            assertThat(Files.size(segmentFile(base, ".log"))).as("nothing truncated or dropped").isPositive();
        }
    }

    @Test
    void damageInTheSecondToLastSegmentAfterItsFsyncWasRecordedIsNeverServed() throws Exception {
        open("interval");
        appendUntilSegments(2);
        List<Long> bases = log.segmentBaseOffsets();
        runMaintenanceAfterRollFlushDelay();
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
