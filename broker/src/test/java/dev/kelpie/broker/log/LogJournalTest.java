package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log dir journal under {@code flush.policy=sync}: acknowledgements without segment fsyncs, replay of what a
 * crash took from the page cache, truncation and torn tails. A crash here is {@link LogManager#crashForTesting}
 * followed by the loss of every segment byte that was never fsynced (all of it, as the recovery points show).
 */
class LogJournalTest {
    static final long T0 = 1_700_000_000_000L;
    static final LogConfig CONFIG = LogConfig.defaults();

    @TempDir
    Path root;
    final ManualClock clock = new ManualClock(T0);

    LogManager manager(LogManager.Settings settings) {
        LogManager m = new LogManager(List.of(root), clock, settings, tp -> Runnable::run);
        m.startup(tp -> CONFIG);
        return m;
    }

    LogManager manager() {
        return manager(withJournal(LogJournal.Settings.defaults()));
    }

    static LogManager.Settings withJournal(LogJournal.Settings journal) {
        return LogManager.Settings.defaults().withJournal(journal.withEnabled(true));
    }

    static TopicPartition tp(int partition) {
        return new TopicPartition("journaled", partition);
    }

    /** Appends {@code count} single-record batches and waits until each is durable. */
    static void appendDurably(SegmentedLog log, String prefix, int count) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LogAppendInfo info = log.appendAsLeader(TestRecords.batch(T0, prefix + i), 0);
            acks.add(log.awaitDurable(info.lastOffset() + 1));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    static List<String> values(SegmentedLog log) {
        return TestRecords.decode(log.read(log.logStartOffset(), Integer.MAX_VALUE, Long.MAX_VALUE, true)).stream()
                .map(TestRecords.Rec::value).toList();
    }

    /** What a power loss leaves after the crash: no segment byte above a recovery point of 0 survives. */
    static void loseUnflushedSegmentData(Path partitionDir) throws IOException {
        PartitionCheckpoint checkpoint = PartitionCheckpoint.read(partitionDir);
        try (Stream<Path> files = Files.list(partitionDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                if (checkpoint.recoveryPoint() == 0) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.truncate(0);
                    }
                }
            }
        }
    }

    @Test
    void acknowledgesAppendsOfEveryPartitionWithoutFsyncingTheirSegments() {
        try (LogManager m = manager()) {
            List<SegmentedLog> logs = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                logs.add(m.getOrCreate(tp(p), CONFIG));
            }
            long fsyncsBefore = m.environment().metrics().fsyncCount();
            for (SegmentedLog log : logs) {
                appendDurably(log, "v", 3);
            }
            for (SegmentedLog log : logs) {
                assertThat(log.durableOffset()).isEqualTo(3);
                assertThat(log.segmentsDurableOffset()).as("the segments were not fsynced").isZero();
            }
            assertThat(m.environment().metrics().fsyncCount() - fsyncsBefore).as("journal fsyncs, one per pass")
                    .isBetween(1L, 18L);
            assertThat(root.resolve(LogJournal.DIR_NAME).resolve(LogJournal.fileName(1))).isRegularFile();
        }
        assertThat(root.resolve(LogJournal.DIR_NAME)).isEmptyDirectory();
    }

    @Test
    void aPassWaitsForTheAppendsOnTheirWaySoThatARequestsPartitionsShareOneFsync() {
        LogJournal.Settings d = LogJournal.Settings.defaults();
        LogJournal.Settings patient = new LogJournal.Settings(true, d.fileBytesMax(), d.bytesMax(),
                d.sealedFlushDelayMs(), d.pendingBytesMax(), TimeUnit.MINUTES.toMicros(5));
        try (LogManager m = manager(withJournal(patient))) {
            SegmentedLog first = m.getOrCreate(tp(0), CONFIG);
            SegmentedLog second = m.getOrCreate(tp(1), CONFIG);
            appendDurably(first, "before", 1);
            long fsyncsBefore = m.environment().metrics().fsyncCount();
            InboundAppends inbound = m.inboundAppends();
            int firstTicket = inbound.dispatched();
            int secondTicket = inbound.dispatched();
            CompletableFuture<Void> firstDurable = first.awaitDurable(
                    first.appendAsLeader(TestRecords.batch(T0, "a"), 0).lastOffset() + 1);
            inbound.arrived(firstTicket);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(firstDurable).as("the pass waits for the second partition").isNotDone());
            CompletableFuture<Void> secondDurable = second.awaitDurable(
                    second.appendAsLeader(TestRecords.batch(T0, "b"), 0).lastOffset() + 1);
            inbound.arrived(secondTicket);
            CompletableFuture.allOf(firstDurable, secondDurable).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(m.environment().metrics().fsyncCount() - fsyncsBefore).as("one pass, one fsync").isEqualTo(1);
        }
    }

    @Test
    void replaysAcknowledgedAppendsThatTheSegmentsLost() throws IOException {
        LogManager m = manager();
        for (int p = 0; p < 3; p++) {
            appendDurably(m.getOrCreate(tp(p), CONFIG), "p" + p + "-", 5 + p);
        }
        m.crashForTesting();
        for (int p = 0; p < 3; p++) {
            loseUnflushedSegmentData(root.resolve(SegmentedLog.dirName(tp(p))));
        }
        try (LogManager reopened = manager()) {
            for (int p = 0; p < 3; p++) {
                SegmentedLog log = reopened.get(tp(p)).orElseThrow();
                assertThat(log.logEndOffset()).isEqualTo(5 + p);
                assertThat(values(log)).first().isEqualTo("p" + p + "-0");
                assertThat(values(log)).last().isEqualTo("p" + p + "-" + (4 + p));
                assertThat(log.segmentsDurableOffset()).as("replayed logs are flushed").isEqualTo(5 + p);
            }
            appendDurably(reopened.get(tp(0)).orElseThrow(), "after", 1);
            assertThat(values(reopened.get(tp(0)).orElseThrow())).hasSize(6).last().isEqualTo("after0");
        }
    }

    @Test
    void passesEndOnBlockBoundariesAndReplaySkipsTheirPadding() throws IOException {
        LogManager m = manager();
        SegmentedLog first = m.getOrCreate(tp(0), CONFIG);
        SegmentedLog second = m.getOrCreate(tp(1), CONFIG);
        for (int i = 0; i < 5; i++) {
            appendDurably(first, "a" + i + "-", 1); // a pass each, ending inside a block
            appendDurably(second, "b" + i + "-", 1);
        }
        m.crashForTesting();
        loseUnflushedSegmentData(first.dir());
        loseUnflushedSegmentData(second.dir());
        Path journalDir = root.resolve(LogJournal.DIR_NAME);
        long block = LogJournal.supportsDirectIo(journalDir) ? Files.getFileStore(journalDir).getBlockSize() : 1;
        long written = Files.size(journalDir.resolve(LogJournal.fileName(1)));
        assertThat(written).isGreaterThanOrEqualTo(10 * block).matches(bytes -> bytes % block == 0, "whole blocks");
        try (LogManager reopened = manager()) {
            assertThat(values(reopened.get(tp(0)).orElseThrow())).containsExactly("a0-0", "a1-0", "a2-0", "a3-0",
                    "a4-0");
            assertThat(values(reopened.get(tp(1)).orElseThrow())).hasSize(5).endsWith("b4-0");
        }
    }

    @Test
    void theBudgetIsAtMostATenthOfTheFileSystem() {
        LogJournal.Settings defaults = LogJournal.Settings.defaults();
        assertThat(defaults.withinDisk(1L << 30).bytesMax()).isEqualTo((1L << 30) / 10);
        assertThat(defaults.withinDisk(100L << 30)).isEqualTo(defaults);
        assertThat(defaults.withinDisk(0)).as("size unknown").isEqualTo(defaults);
    }

    @Test
    void truncatedRecordsDoNotComeBackFromTheJournal() throws IOException {
        LogManager m = manager();
        SegmentedLog log = m.getOrCreate(tp(0), CONFIG);
        appendDurably(log, "old", 5);
        log.truncateTo(2);
        appendDurably(log, "new", 2);
        m.crashForTesting();
        loseUnflushedSegmentData(log.dir());
        try (LogManager reopened = manager()) {
            assertThat(values(reopened.get(tp(0)).orElseThrow())).containsExactly("old0", "old1", "new0", "new1");
        }
    }

    @Test
    void aTornTailEndsTheJournalAndTheAcknowledgedEntriesBeforeItSurvive() throws IOException {
        LogManager m = manager();
        appendDurably(m.getOrCreate(tp(0), CONFIG), "v", 4);
        m.crashForTesting();
        loseUnflushedSegmentData(root.resolve(SegmentedLog.dirName(tp(0))));
        Path journalFile = root.resolve(LogJournal.DIR_NAME).resolve(LogJournal.fileName(1));
        ByteBuffer torn = ByteBuffer.allocate(100);
        torn.putInt(0x1234).putShort((short) 9).flip(); // a header cut short, then zeros
        Files.write(journalFile, torn.array(), StandardOpenOption.APPEND);
        try (LogManager reopened = manager()) {
            SegmentedLog log = reopened.get(tp(0)).orElseThrow();
            assertThat(log.isOnline()).isTrue();
            assertThat(values(log)).containsExactly("v0", "v1", "v2", "v3");
        }
    }

    @Test
    void entriesOfADeletedAndRecreatedTopicAreNotReplayedIntoTheNewOne() throws IOException {
        LogManager m = manager();
        appendDurably(m.getOrCreate(tp(0), CONFIG), "gone", 3);
        m.delete(tp(0));
        SegmentedLog recreated = m.getOrCreate(tp(0), CONFIG);
        appendDurably(recreated, "fresh", 1);
        m.crashForTesting();
        loseUnflushedSegmentData(recreated.dir());
        try (LogManager reopened = manager()) {
            assertThat(values(reopened.get(tp(0)).orElseThrow())).containsExactly("fresh0");
        }
    }

    @Test
    void sealedFilesAreDeletedOnceTheirLogsFsyncedTheSegments() throws IOException {
        LogJournal.Settings small = new LogJournal.Settings(true, 1024, 0, 0, 1 << 20, 0);
        try (LogManager m = manager(withJournal(small))) {
            SegmentedLog log = m.getOrCreate(tp(0), CONFIG.withOverrides(Map.of()));
            appendDurably(log, "value-of-some-length-", 200);
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(JournalReplay.journalFiles(root.resolve(LogJournal.DIR_NAME))).hasSizeLessThanOrEqualTo(3);
                assertThat(log.segmentsDurableOffset()).isPositive();
            });
            m.checkpointAll();
            assertThat(PartitionCheckpoint.read(log.dir()).recoveryPoint()).isPositive();
        }
    }

    @Test
    void reusedFilesReplayUpToTheirStaleTail() throws IOException {
        LogJournal.Settings small = new LogJournal.Settings(true, 1024, 8 * 1024, 0, 1 << 20, 0);
        LogManager.Settings settings = withJournal(small);
        LogManager m = manager(settings);
        SegmentedLog log = m.getOrCreate(tp(0), CONFIG);
        for (int i = 0; i < 200; i++) {
            appendDurably(log, "first-round-value-" + i + "-", 1); // one entry per pass: the files fill one by one
        }
        Path journalDir = root.resolve(LogJournal.DIR_NAME);
        await().atMost(10, TimeUnit.SECONDS).until(() -> log.segmentsDurableOffset() > 100);
        appendDurably(log, "second-", 50);
        List<Path> files = JournalReplay.journalFiles(journalDir);
        String newest = files.get(files.size() - 1).getFileName().toString();
        assertThat(Long.parseLong(newest.substring(0, 20))).as("sequences used").isGreaterThan(files.size() + 5L);
        assertThat(files).as("freed files were reused or deleted, within the budget").hasSizeLessThanOrEqualTo(10);
        m.crashForTesting();
        try (LogManager reopened = manager(settings)) {
            SegmentedLog again = reopened.get(tp(0)).orElseThrow();
            assertThat(again.isOnline()).isTrue();
            assertThat(values(again)).hasSize(250).endsWith("second-49");
        }
    }
}
