package dev.kelpie.broker.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the appends handed to partition owner threads that have not reached their logs yet: the partitions of a
 * produce request, whose response waits for all of them. A journal writer with something to write holds its pass
 * back while any are on their way ({@link #awaitArrivals}), for a bounded time, so that one pass and one fsync
 * carry the whole request. Why: a pass that started on the request's first append left the others to the next
 * pass, and every pass costs a fixed amount of CPU whatever it carries (an I/O submission and a cache flush:
 * {@code docs/decisions/sync-journal.md}); the request waited for both passes anyway.
 *
 * <p>It counts rather than tracks: a writer cannot tell whose appends are coming, so it may also wait for an append
 * to another log dir or to a log that does not use the journal. The bound keeps that short.
 *
 * <p>Every {@link #dispatched} is followed by exactly one {@link #arrived}, whether the append succeeded or not.
 *
 * <p>Thread-safety: every method from any thread.
 */
public final class InboundAppends {
    private final AtomicInteger onTheirWay = new AtomicInteger();
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();

    /** An append was handed to its partition's owner thread. */
    public void dispatched() {
        onTheirWay.incrementAndGet();
    }

    /** An append handed over by {@link #dispatched} is done with its log (appended, or failed). */
    public void arrived() {
        int left = onTheirWay.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("More appends arrived than were dispatched");
        }
        if (left == 0) {
            waiters.forEach(LockSupport::unpark);
        }
    }

    /** How many appends are on their way. */
    public int onTheirWay() {
        return onTheirWay.get();
    }

    /**
     * Parks the calling thread until no append is on its way, for at most {@code waitNsMax}. The bound is real
     * time (as the park is), not the broker's clock: a manual test clock must not make a writer wait forever.
     */
    void awaitArrivals(long waitNsMax) {
        if (waitNsMax <= 0 || onTheirWay.get() == 0) {
            return;
        }
        Thread self = Thread.currentThread();
        waiters.add(self);
        try {
            long deadline = System.nanoTime() + waitNsMax;
            while (onTheirWay.get() > 0) {
                long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0) {
                    return;
                }
                LockSupport.parkNanos(this, leftNs);
            }
        } finally {
            waiters.remove(self);
        }
    }
}
