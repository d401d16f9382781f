package dev.kelpie.broker.group;

import dev.kelpie.broker.common.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ShardTimer} and {@link Clock} driven by hand: {@link #advance} moves time and runs every task that
 * becomes due, in deadline order (tasks may schedule more). Single-threaded, like a shard.
 */
final class ManualShardTimer implements ShardTimer, Clock {
    private record Task(long deadlineMs, long seq, Runnable run) {}

    private final AtomicLong nowMs;
    private final Map<String, Task> tasks = new HashMap<>();
    private long seq;

    ManualShardTimer(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        tasks.put(key, new Task(nowMs.get() + Math.max(0, delayMs), seq++, task));
    }

    @Override
    public void cancel(String key) {
        tasks.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return tasks.containsKey(key);
    }

    @Override
    public void cancelAll() {
        tasks.clear();
    }

    /** Moves time forward by {@code ms}, running due tasks at their deadlines. */
    void advance(long ms) {
        long target = nowMs.get() + ms;
        while (true) {
            Map.Entry<String, Task> next = null;
            for (Map.Entry<String, Task> e : tasks.entrySet()) {
                Task t = e.getValue();
                if (t.deadlineMs() <= target && (next == null || t.deadlineMs() < next.getValue().deadlineMs()
                        || t.deadlineMs() == next.getValue().deadlineMs() && t.seq() < next.getValue().seq())) {
                    next = e;
                }
            }
            if (next == null) {
                break;
            }
            tasks.remove(next.getKey());
            nowMs.set(Math.max(nowMs.get(), next.getValue().deadlineMs()));
            next.getValue().run().run();
        }
        nowMs.set(target);
    }

    @Override
    public long wallMs() {
        return nowMs.get();
    }

    @Override
    public long monotonicNs() {
        return nowMs.get() * 1_000_000;
    }
}
