package dev.kelpie.broker.common;

/**
 * The broker's only source of time. Logic takes a {@code Clock}; tests and simulations pass a manual one,
 * so nothing depends on the wall clock directly.
 *
 * <p>Thread-safety: implementations are safe to call from any thread.
 */
public interface Clock {
    /** Wall-clock milliseconds since the epoch: record timestamps, retention. */
    long wallMs();

    /** Monotonic nanoseconds: timeouts, durations. Never compare across processes. */
    long monotonicNs();

    Clock SYSTEM = new Clock() {
        @Override
        public long wallMs() {
            return System.currentTimeMillis();
        }

        @Override
        public long monotonicNs() {
            return System.nanoTime();
        }
    };
}
