package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PurgatoryTest {
    private final Purgatory purgatory = new Purgatory();
    private final TopicPartition tp = new TopicPartition("t", 0);

    @AfterEach
    void close() {
        purgatory.close();
    }

    /** Ready when the flag is set; counts completions. */
    private final class Waiter extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();

        @Override
        protected List<TopicPartition> watchedPartitions() {
            return List.of(tp, new TopicPartition("t", 1));
        }

        @Override
        protected boolean isReady() {
            return ready.get();
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
        }
    }

    @Test
    void completesOnceWhenAWatchedPartitionChangesAndStopsWatching() {
        Waiter w = new Waiter();
        purgatory.watch(w, 60_000);
        purgatory.checkAndComplete(tp);
        assertThat(w.completions).hasValue(0);
        assertThat(purgatory.watching(tp)).isEqualTo(1);
        w.ready.set(true);
        purgatory.checkAndComplete(tp);
        purgatory.checkAndComplete(new TopicPartition("t", 1));
        assertThat(w.completions).hasValue(1);
        assertThat(purgatory.watching(tp)).isZero();
        assertThat(purgatory.watching(new TopicPartition("t", 1))).isZero();
    }

    @Test
    void alreadyReadyOperationCompletesWhileBeingWatched() {
        Waiter w = new Waiter();
        w.ready.set(true);
        purgatory.watch(w, 60_000);
        assertThat(w.completions).hasValue(1);
        assertThat(purgatory.watching(tp)).isZero();
    }

    @Test
    void timeoutForcesCompletion() {
        Waiter w = new Waiter();
        long start = System.nanoTime();
        purgatory.watch(w, 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> w.completions.get() == 1);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(90);
        assertThat(purgatory.watching(tp)).isZero();
    }

    @Test
    void closeCompletesWaitersAndLaterWatchesAtOnce() {
        Waiter w = new Waiter();
        purgatory.watch(w, 60_000);
        purgatory.close();
        assertThat(w.completions).hasValue(1);
        Waiter late = new Waiter();
        purgatory.watch(late, 60_000);
        assertThat(late.completions).hasValue(1);
    }
}
