package dev.kelpie.broker.server;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Where delayed requests (long-polling Fetch) wait, keyed by the partitions they watch. A partition change
 * (high watermark advance, deletion) {@linkplain #checkAndComplete checks} its watchers; a hashed wheel timer
 * (Netty's, 10 ms ticks) forces completion at the request's deadline.
 *
 * <p>The lost-wake-up race (data arriving between a request's last read and its registration) is closed by
 * checking each operation once more after it is registered.
 *
 * <p>Thread-safety: safe from any thread; watcher sets are concurrent and an operation completes once.
 */
public final class Purgatory implements AutoCloseable {
    private final Map<TopicPartition, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final HashedWheelTimer timer;
    private volatile boolean closed;

    public Purgatory() {
        this.timer = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "kelpie-purgatory-timer");
            t.setDaemon(true);
            return t;
        }, 10, TimeUnit.MILLISECONDS);
    }

    /** Parks {@code operation} for at most {@code timeoutMs}; it may complete before this returns. */
    public void watch(DelayedOperation operation, long timeoutMs) {
        Timeout timeout;
        try {
            if (closed) {
                throw new IllegalStateException("purgatory closed");
            }
            timeout = timer.newTimeout(t -> operation.forceComplete(), Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException e) {
            operation.forceComplete();
            return;
        }
        operation.attach(timeout, () -> unwatch(operation));
        for (TopicPartition tp : operation.watchedPartitions()) {
            watchers.compute(tp, (k, set) -> {
                Set<DelayedOperation> watching = set == null ? ConcurrentHashMap.newKeySet() : set;
                watching.add(operation);
                return watching;
            });
        }
        if (operation.isCompleted()) {
            unwatch(operation);
            return;
        }
        if (closed) {
            operation.forceComplete();
            return;
        }
        operation.tryComplete();
    }

    /** Something changed on {@code tp}: completes the watchers that are now ready. */
    public void checkAndComplete(TopicPartition tp) {
        Set<DelayedOperation> set = watchers.get(tp);
        if (set != null) {
            for (DelayedOperation op : set) {
                op.tryComplete();
            }
        }
    }

    /** Operations currently waiting on {@code tp} (for tests and metrics). */
    public int watching(TopicPartition tp) {
        Set<DelayedOperation> set = watchers.get(tp);
        return set == null ? 0 : set.size();
    }

    private void unwatch(DelayedOperation operation) {
        for (TopicPartition tp : operation.watchedPartitions()) {
            watchers.computeIfPresent(tp, (k, set) -> {
                set.remove(operation);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /**
     * Completes every waiting operation now and stops the timer; later {@link #watch} calls complete at once.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Set<DelayedOperation> set : watchers.values()) {
            for (DelayedOperation op : set) {
                op.forceComplete();
            }
        }
        timer.stop();
    }
}
