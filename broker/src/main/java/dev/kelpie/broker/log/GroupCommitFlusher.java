package dev.kelpie.broker.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for {@code flush.policy=sync}, and every log's background flush work: a small pool of flusher
 * threads shared by every log of a {@link LogEnvironment} (one per {@link LogManager}). Besides durability
 * waiters, a log requests a pass after a roll (producer snapshot; under {@code flush.policy=sync} also the fsync
 * of the sealed segments, oldest first, then the checkpoint), after retention (checkpoint files) and, under
 * {@code flush.policy=interval}, from its periodic maintenance once a sealed segment has waited
 * {@link LogEnvironment#rollFlushDelayMs()} for its fsync ({@link SegmentedLog#flushIfDue}). So no appending
 * thread waits for those fsyncs, however far the passes fall behind a fast appender: the recovery point trails
 * them, and recovery scans whatever lies above it ({@link LogLoader}). Under {@code flush.policy=interval} the
 * deferred sealed-segment fsyncs are the only background fsyncs.
 *
 * <p>A log with a durability waiter above its durable offset {@linkplain #request requests} a flush. Each log
 * is in one of three states here, and at most one pass of a log runs at a time:
 * <pre>
 *   idle    --request--&gt; queued
 *   queued  --a thread takes it--&gt; running (the pass reads the log end, fsyncs once, completes the waiters)
 *   running --request--&gt; running, marked again (not queued: the pass in flight cannot cover the new batches)
 *   running --pass ends--&gt; idle, or queued when it was marked again
 * </pre>
 * So batches that arrive during a log's fsync are all covered by its next single fsync, and under load a log's
 * fsync rate is bounded by its fsync latency, not by the append rate. Why one pass per log at a time: every
 * fsync costs a fixed amount of CPU and device round trips (data, file metadata, cache flush) however little it
 * covers, so overlapping fsyncs of one log would each cover a batch or two and multiply that cost. The
 * measured effect is in {@code bench/RESULTS.md}.
 *
 * <p>Why shared rather than per log: thousands of partitions must not mean thousands of threads; why more
 * than one thread: one slow fsync (a busy disk, a large dirty segment) must not delay every other partition,
 * and concurrent fsyncs of different files share device flushes.
 *
 * <p>Thread-safety: {@link #request} is safe from any thread.
 */
public final class GroupCommitFlusher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);

    /** A log that can make its written bytes durable. */
    interface Target {
        /** Runs the log's background pass: fsyncs what is due and completes the waiters it covers. */
        void flushForWaiters();
    }

    /** Where a log is in its flush cycle; a log with no entry is idle. */
    private enum PassState { QUEUED, RUNNING, RUNNING_REQUESTED_AGAIN }

    private final LinkedBlockingQueue<Target> queue = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<Target, PassState> states = new ConcurrentHashMap<>();
    private final Thread[] threads;
    private volatile boolean running = true;

    public GroupCommitFlusher(int threadCount) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("threadCount " + threadCount);
        }
        threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++) {
            threads[i] = new Thread(this::run, "kelpie-log-flusher-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    void request(Target target) {
        boolean[] enqueue = new boolean[1];
        states.compute(target, (t, state) -> {
            if (state == null) {
                enqueue[0] = true;
                return PassState.QUEUED;
            }
            return state == PassState.RUNNING ? PassState.RUNNING_REQUESTED_AGAIN : state;
        });
        if (enqueue[0]) {
            queue.add(target);
        }
    }

    private void run() {
        while (running) {
            Target target;
            try {
                target = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (target == null) {
                continue;
            }
            PassState taken = states.replace(target, PassState.RUNNING);
            assert taken == PassState.QUEUED : taken;
            try {
                target.flushForWaiters();
            } catch (RuntimeException e) {
                LOG.error("Group commit flush failed for {}", target, e);
            } finally {
                endPass(target);
            }
        }
    }

    /** Running to idle, or back to queued when a request came in during the pass. */
    private void endPass(Target target) {
        if (!states.remove(target, PassState.RUNNING)) {
            PassState again = states.replace(target, PassState.QUEUED);
            assert again == PassState.RUNNING_REQUESTED_AGAIN : again;
            queue.add(target);
        }
    }

    @Override
    public void close() {
        // no interrupt: an interrupt during FileChannel.force closes the segment's channel for every reader
        running = false;
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
