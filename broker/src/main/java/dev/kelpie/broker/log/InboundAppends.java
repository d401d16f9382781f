package dev.kelpie.broker.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the appends handed to partition owner threads that have not reached their logs yet: the partitions of a
 * produce request, whose response waits for all of them. A journal writer with something to write holds its pass
 * back while any are on their way ({@link #awaitArrivals}), for a bounded time, so that one pass and one fsync
 * carry the whole request. Why: a pass that started on the request's first append left the others to the next
 * pass, and every pass costs a fixed amount of CPU whatever it carries (an I/O submission and a cache flush:
 * {@code docs/decisions/sync-journal.md}); the request waited for both passes anyway.
 *
 * <p>A writer waits only for the appends dispatched before it began to wait, not for the next request's: each wait
 * starts a new <em>epoch</em>, and appends are counted per epoch parity. It counts rather than tracks, so a writer
 * may also wait for an append to another log dir, to a log that does not use the journal, or (with several log
 * dirs, whose writers share the epochs) for a later epoch of the same parity. The bound keeps that short.
 *
 * <p>Every {@link #dispatched} is followed by exactly one {@link #arrived} with its ticket, whether the append
 * succeeded or not.
 *
 * <p>Thread-safety: every method from any thread.
 */
public final class InboundAppends {
    private final AtomicLong epoch = new AtomicLong();
    /** Appends on their way, by the parity of the epoch they were dispatched in. */
    private final AtomicInteger[] onTheirWay = {new AtomicInteger(), new AtomicInteger()};
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();

    /**
     * An append was handed to its partition's owner thread.
     *
     * @return the ticket to give {@link #arrived}
     */
    public int dispatched() {
        int ticket = (int) (epoch.get() & 1);
        onTheirWay[ticket].incrementAndGet();
        return ticket;
    }

    /** The append that {@link #dispatched} gave {@code ticket} is done with its log (appended, or failed). */
    public void arrived(int ticket) {
        int left = onTheirWay[ticket].decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("More appends arrived than were dispatched");
        }
        if (left == 0) {
            waiters.forEach(LockSupport::unpark);
        }
    }

    /** How many appends are on their way. */
    public int onTheirWay() {
        return onTheirWay[0].get() + onTheirWay[1].get();
    }

    /**
     * Starts a new epoch and parks the calling thread until the appends dispatched before it have arrived, for at
     * most {@code waitNsMax}. The bound is real time (as the park is), not the broker's clock: a manual test clock
     * must not make a writer wait forever.
     */
    void awaitArrivals(long waitNsMax) {
        AtomicInteger earlier = onTheirWay[(int) (epoch.getAndIncrement() & 1)];
        if (waitNsMax <= 0 || earlier.get() == 0) {
            return;
        }
        Thread self = Thread.currentThread();
        waiters.add(self);
        try {
            long deadline = System.nanoTime() + waitNsMax;
            while (earlier.get() > 0) {
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
