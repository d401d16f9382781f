package dev.kelpie.broker.network;

/**
 * A connection's lifecycle, as seen by {@link RequestDispatcher}. Transitions exist only on the states they
 * leave from, so an illegal one does not compile.
 *
 * <pre>
 *   Open ──drain()──▶ Draining ──close()──▶ Closed
 *     └───────────────close()────────────────▲
 * </pre>
 *
 * <table>
 *   <caption>What each state allows</caption>
 *   <tr><th>state</th><th>reads</th><th>dispatch read requests</th><th>send responses</th></tr>
 *   <tr><td>Open</td><td>unless back-pressured</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>Draining</td><td>no (newly decoded requests are dropped)</td><td>those already read</td>
 *       <td>yes; closes once none are pending</td></tr>
 *   <tr><td>Closed</td><td>no</td><td>no</td><td>no: late responses are discarded and their file slices
 *       released</td></tr>
 * </table>
 *
 * <p>Immutable.
 */
sealed interface ConnectionState {

    /** States a connection can still be closed from. */
    sealed interface Live extends ConnectionState {
        default Closed close(String reason) {
            return new Closed(reason);
        }
    }

    static Open open() {
        return new Open();
    }

    record Open() implements Live {
        Draining drain() {
            return new Draining();
        }
    }

    /** The server is shutting down: finish what was read, then close. */
    record Draining() implements Live {
    }

    record Closed(String reason) implements ConnectionState {
    }
}
