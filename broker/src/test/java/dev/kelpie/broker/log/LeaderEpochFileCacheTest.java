package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochFileCacheTest {
    @TempDir
    Path dir;

    @Test
    void assignsLooksUpAndTruncatesLikeKafka() throws Exception {
        LeaderEpochFileCache cache = new LeaderEpochFileCache(dir);
        assertThat(cache.latestEpoch()).isEmpty();
        cache.assign(1, 0);
        cache.assign(1, 5);
        cache.assign(3, 10);
        cache.assign(2, 12);
        cache.assign(6, 20);
        assertThat(cache.latestEpoch()).contains(6);
        assertThat(cache.endOffsetFor(0, 30)).isEmpty();
        assertThat(cache.endOffsetFor(1, 30)).contains(new LeaderEpochCache.EpochEndOffset(1, 10));
        assertThat(cache.endOffsetFor(4, 30)).contains(new LeaderEpochCache.EpochEndOffset(3, 20));
        assertThat(cache.endOffsetFor(6, 30)).contains(new LeaderEpochCache.EpochEndOffset(6, 30));
        assertThat(cache.epochForOffset(15)).isEqualTo(3);
        assertThat(Files.readAllLines(dir.resolve("leader-epoch-checkpoint")))
                .containsExactly("0", "3", "1 0", "3 10", "6 20");

        cache.truncateFromEnd(20);
        assertThat(cache.latestEpoch()).contains(3);
        cache.truncateFromStart(12);
        assertThat(new LeaderEpochFileCache(dir).entries())
                .containsExactly(new LeaderEpochFileCache.Entry(3, 12));
    }

    @Test
    void malformedFileReadsAsEmpty() throws Exception {
        Files.writeString(dir.resolve("leader-epoch-checkpoint"), "0\n3\n1 0\n");
        assertThat(new LeaderEpochFileCache(dir).latestEpoch()).isEmpty();
    }
}
