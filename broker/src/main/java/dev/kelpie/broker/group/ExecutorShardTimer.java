package dev.kelpie.broker.group;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ShardTimer} on the shard's own single-threaded scheduled executor: a timer task and the shard's
 * operations run on the same thread, so a task cancelled by an operation never runs afterwards.
 *
 * <p>Thread-safety: confined to the shard's thread (the executor's only thread).
 */
final class ExecutorShardTimer implements ShardTimer {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorShardTimer.class);

    private final ScheduledExecutorService executor;
    private final Map<String, ScheduledFuture<?>> tasks = new HashMap<>();
    private boolean closed;

    ExecutorShardTimer(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        if (closed) {
            return;
        }
        Runnable guarded = new Runnable() {
            @Override
            public void run() {
                ScheduledFuture<?> current = tasks.get(key);
                if (current == null || current.isCancelled()) {
                    return;
                }
                tasks.remove(key);
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Group coordinator timer {} failed", key, e);
                }
            }
        };
        try {
            tasks.put(key, executor.schedule(guarded, Math.max(0, delayMs), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            LOG.debug("Not scheduling {}: the coordinator is shutting down", key);
        }
    }

    @Override
    public void cancel(String key) {
        ScheduledFuture<?> previous = tasks.remove(key);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    @Override
    public boolean isScheduled(String key) {
        return tasks.containsKey(key);
    }

    /** Cancels every task; the shard is unloaded, so later schedules are ignored. */
    @Override
    public void cancelAll() {
        closed = true;
        tasks.values().forEach(f -> f.cancel(false));
        tasks.clear();
    }
}
