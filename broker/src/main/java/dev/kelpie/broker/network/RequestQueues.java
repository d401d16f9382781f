package dev.kelpie.broker.network;

import java.util.concurrent.atomic.LongAdder;

/**
 * The request queue depths of every connection of one server, summed: requests read but held back by
 * back-pressure ({@code waiting}), and requests handed to the {@link RequestHandler} whose response has not
 * been written yet ({@code inFlight}, which includes finished responses queued behind an earlier one).
 * Each connection's {@link RequestDispatcher} adds and subtracts its own changes.
 *
 * <p>Thread-safety: lock-free adders, updated from every event loop and read from any thread; a read while
 * connections change may be momentarily off by those changes.
 */
final class RequestQueues {
    private final LongAdder waiting = new LongAdder();
    private final LongAdder inFlight = new LongAdder();

    void waitingChanged(int delta) {
        waiting.add(delta);
    }

    void inFlightChanged(int delta) {
        inFlight.add(delta);
    }

    long waiting() {
        return waiting.sum();
    }

    long inFlight() {
        return inFlight.sum();
    }
}
