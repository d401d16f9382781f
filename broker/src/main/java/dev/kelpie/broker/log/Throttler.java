package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;

/**
 * Bounds the I/O rate of background work (the log cleaner) to {@code maxBytesPerSecond}: after each chunk
 * the caller reports its bytes, and when the rate since the window start is above the limit the throttler
 * sleeps until it is back at the limit. The window restarts every second so a pause does not earn a burst.
 *
 * <p>Thread-safety: one thread (the cleaner thread) per instance.
 */
final class Throttler {
    /** How the throttler waits; the cleaner sleeps, tests advance a manual clock. */
    interface Sleeper {
        void sleepMs(long ms) throws InterruptedException;
    }

    private static final long WINDOW_NS = 1_000_000_000L;

    private final long maxBytesPerSecond;
    private final Clock clock;
    private final Sleeper sleeper;
    private long windowStartNs;
    private long windowBytes;

    Throttler(long maxBytesPerSecond, Clock clock, Sleeper sleeper) {
        if (maxBytesPerSecond <= 0) {
            throw new IllegalArgumentException("maxBytesPerSecond " + maxBytesPerSecond);
        }
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.windowStartNs = clock.monotonicNs();
    }

    /** Accounts {@code bytes} and sleeps as long as needed to stay under the limit. */
    void acquire(long bytes) throws InterruptedException {
        if (maxBytesPerSecond == Long.MAX_VALUE) {
            return;
        }
        windowBytes += bytes;
        long elapsedNs = clock.monotonicNs() - windowStartNs;
        long allowedNs = (long) (windowBytes * (1e9 / maxBytesPerSecond));
        if (allowedNs > elapsedNs) {
            long sleepMs = (allowedNs - elapsedNs + 999_999) / 1_000_000;
            sleeper.sleepMs(sleepMs);
            elapsedNs = clock.monotonicNs() - windowStartNs;
        }
        if (elapsedNs >= WINDOW_NS) {
            windowStartNs = clock.monotonicNs();
            windowBytes = 0;
        }
    }
}
