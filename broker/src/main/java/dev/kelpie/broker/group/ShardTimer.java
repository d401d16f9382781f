package dev.kelpie.broker.group;

/**
 * Keyed timers of one coordinator shard: session expiry, rebalance and join deadlines, sync deadlines,
 * offset expiration. Scheduling under a key replaces the task already scheduled under it. Tasks run on the
 * shard's thread, so they see and change shard state like any operation.
 *
 * <p>Thread-safety: called on the shard's thread only.
 */
interface ShardTimer {

    /** Runs {@code task} on the shard thread after {@code delayMs}, replacing any task under {@code key}. */
    void schedule(String key, long delayMs, Runnable task);

    void cancel(String key);

    boolean isScheduled(String key);

    /** Cancels every task (the shard unloads); tasks scheduled afterwards never run. */
    void cancelAll();
}
