package dev.kelpie.broker.network;

/**
 * A snapshot of the network layer, for metrics and tests. Immutable.
 *
 * @param connections open connections
 * @param connectionsReadPaused connections whose reading is paused by back-pressure or shutdown
 * @param outboundBytesPending response bytes queued in Netty but not yet written to sockets (file regions count
 *     their length)
 * @param connectionsRefused connections closed on accept by max.connections or max.connections.per.ip since start
 */
public record NetworkStats(int connections, int connectionsReadPaused, long outboundBytesPending,
        long connectionsRefused) {
}
