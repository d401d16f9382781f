package dev.kelpie.broker.server;

import io.netty.util.Timeout;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;

/**
 * A request parked in the {@link Purgatory} until it can complete (new data, a partition change) or its
 * timeout fires, whichever comes first. Completion happens exactly once.
 *
 * <p>Thread-safety: {@link #tryComplete} and {@link #forceComplete} may race from any thread (appends on
 * partition threads, the timer thread); the atomic flag lets exactly one win.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile Timeout timeout;
    private volatile Runnable unwatch = () -> { };

    /** The partitions whose changes may complete this operation. */
    protected abstract List<TopicPartition> watchedPartitions();

    /** Cheap check, any thread: can the operation complete now? */
    protected abstract boolean isReady();

    /** Runs once, on the thread that won: produce the answer (hand heavy work to an executor). */
    protected abstract void onComplete();

    /** Completes if ready. */
    final void tryComplete() {
        if (!completed.get() && isReady()) {
            forceComplete();
        }
    }

    /** Completes now, ready or not (timeout, shutdown). Returns whether this call completed it. */
    final boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        Timeout t = timeout;
        if (t != null) {
            t.cancel();
        }
        unwatch.run();
        onComplete();
        return true;
    }

    final boolean isCompleted() {
        return completed.get();
    }

    final void attach(Timeout timeout, Runnable unwatch) {
        this.timeout = timeout;
        this.unwatch = unwatch;
    }
}
