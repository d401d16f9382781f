package dev.kelpie.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The flusher's per-log pass states: one pass of a log at a time, and requests during a pass fold into one. */
class GroupCommitFlusherTest {

    /** A log whose first pass blocks until released; counts passes and the most that ever ran at once. */
    static final class BlockingTarget implements GroupCommitFlusher.Target {
        final CountDownLatch firstPassStarted = new CountDownLatch(1);
        final CountDownLatch releaseFirstPass = new CountDownLatch(1);
        final AtomicInteger passes = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();

        @Override
        public void flushForWaiters() {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (passes.incrementAndGet() == 1) {
                    firstPassStarted.countDown();
                    releaseFirstPass.await(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
        }
    }

    @Test
    void requestsDuringAPassRunExactlyOneMorePassAndNeverInParallel() throws Exception {
        try (GroupCommitFlusher flusher = new GroupCommitFlusher(4)) {
            BlockingTarget log = new BlockingTarget();
            flusher.request(log);
            assertThat(log.firstPassStarted.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 10; i++) {
                flusher.request(log); // three idle threads could take it, but the pass in flight owns the log
            }
            BlockingTarget other = new BlockingTarget();
            other.releaseFirstPass.countDown();
            flusher.request(other);
            await().atMost(Duration.ofSeconds(10)).until(() -> other.passes.get() == 1);
            assertThat(log.passes).as("passes of the busy log while its first pass runs").hasValue(1);

            log.releaseFirstPass.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> log.passes.get() == 2);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> log.passes.get() == 2);
            assertThat(log.maxRunning).as("passes of one log running at once").hasValue(1);
        }
    }

    @Test
    void anIdleLogIsQueuedOnceHoweverOftenItIsRequested() throws Exception {
        try (GroupCommitFlusher flusher = new GroupCommitFlusher(1)) {
            BlockingTarget blocker = new BlockingTarget();
            flusher.request(blocker);
            assertThat(blocker.firstPassStarted.await(10, TimeUnit.SECONDS)).isTrue();
            BlockingTarget log = new BlockingTarget();
            log.releaseFirstPass.countDown();
            for (int i = 0; i < 5; i++) {
                flusher.request(log); // the only thread is busy, so the log waits in the queue
            }
            blocker.releaseFirstPass.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> log.passes.get() == 1);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> log.passes.get() == 1);
            flusher.request(log);
            await().atMost(Duration.ofSeconds(10)).until(() -> log.passes.get() == 2);
        }
    }
}
