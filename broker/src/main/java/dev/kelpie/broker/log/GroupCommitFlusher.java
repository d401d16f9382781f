package dev.kelpie.broker.log;

import java.util.Set;
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
 * <p>A log with a durability waiter above its durable offset {@linkplain #request requests} a flush; it
 * is queued at most once. A flusher thread takes it off the queue (clearing the queued mark first), reads
 * the log end, fsyncs the active segment once and completes every waiter at or below that end. Batches that
 * arrive during the fsync queue the log again and are all covered by the next single fsync, so under load
 * the fsync rate is bounded by the disk's fsync latency, not by the append rate. With several threads,
 * another thread may take a log again while its fsync is in flight, so fsyncs of one log overlap (the file
 * system merges them into fewer journal commits), as concurrent writers' own fsyncs would.
 *
 * <p>Why shared rather than per log: thousands of partitions must not mean thousands of threads; why more
 * than one thread: one slow fsync (a busy disk, a large dirty segment) must not delay every other partition,
 * and file systems merge concurrent fsyncs into one journal commit.
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

    private final LinkedBlockingQueue<Target> queue = new LinkedBlockingQueue<>();
    private final Set<Target> queued = ConcurrentHashMap.newKeySet();
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
        if (queued.add(target)) {
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
            queued.remove(target);
            try {
                target.flushForWaiters();
            } catch (RuntimeException e) {
                LOG.error("Group commit flush failed for {}", target, e);
            }
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
