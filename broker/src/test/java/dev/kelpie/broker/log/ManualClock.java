package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand. Thread-safe. */
final class ManualClock implements Clock {
    private final AtomicLong wallMs;
    private final AtomicLong nanos = new AtomicLong();

    ManualClock(long startMs) {
        this.wallMs = new AtomicLong(startMs);
    }

    void advanceMs(long ms) {
        wallMs.addAndGet(ms);
        nanos.addAndGet(ms * 1_000_000);
    }

    @Override
    public long wallMs() {
        return wallMs.get();
    }

    @Override
    public long monotonicNs() {
        return nanos.get();
    }
}
