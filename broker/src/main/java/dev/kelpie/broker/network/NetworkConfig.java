package dev.kelpie.broker.network;

import dev.kelpie.broker.config.BrokerConfig;
import java.util.Objects;

/**
 * The network layer's settings, validated on construction. Every limit has its unit in its name. Immutable.
 *
 * @param host bind address ({@code listeners} host)
 * @param port bind port; 0 picks an ephemeral port ({@link NetworkServer#port()} tells which)
 * @param listenerName reported to handlers in {@link RequestContext}, e.g. {@code PLAINTEXT}
 * @param socketRequestBytesMax {@code socket.request.max.bytes}: larger declared frames close the connection
 *     before anything is allocated
 * @param connectionsIdleMsMax {@code connections.max.idle.ms}: a connection with no reads or writes for this
 *     long is closed
 * @param requestReadTimeoutMs a frame must arrive whole within this long of its first byte (slowloris);
 *     time during which we paused reading does not count
 * @param connectionsMax {@code max.connections}: further connections are closed on accept
 * @param connectionsPerIpMax {@code max.connections.per.ip}
 * @param inFlightRequestsPerConnectionMax requests dispatched but not yet answered per connection; at this
 *     many, reading from the connection pauses
 * @param outboundBufferBytesMax queued response bytes per connection (Netty's high water mark; file regions
 *     count their length); above it reading pauses until the queue drains below half of it
 * @param eventLoopThreads Netty I/O threads; 0 = Netty's default (twice the cores)
 * @param shutdownDrainMsMax on close, how long in-flight responses may take before connections are cut
 * @param socketSendBufferBytes SO_SNDBUF of accepted connections ({@code socket.send.buffer.bytes}); -1 = the
 *     OS default
 * @param socketReceiveBufferBytes SO_RCVBUF of accepted connections ({@code socket.receive.buffer.bytes}); -1 =
 *     the OS default
 */
public record NetworkConfig(
        String host,
        int port,
        String listenerName,
        int socketRequestBytesMax,
        long connectionsIdleMsMax,
        long requestReadTimeoutMs,
        int connectionsMax,
        int connectionsPerIpMax,
        int inFlightRequestsPerConnectionMax,
        int outboundBufferBytesMax,
        int eventLoopThreads,
        long shutdownDrainMsMax,
        int socketSendBufferBytes,
        int socketReceiveBufferBytes) {

    public static final String DEFAULT_LISTENER_NAME = "PLAINTEXT";
    public static final int DEFAULT_OUTBOUND_BUFFER_BYTES_MAX = 1024 * 1024;
    public static final long DEFAULT_SHUTDOWN_DRAIN_MS_MAX = 10_000;
    /** The smallest well-formed request: header v1 with a null client id and an empty body (ApiVersions v0). */
    public static final int REQUEST_BYTES_MIN = 10;

    public NetworkConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(listenerName, "listenerName");
        require(port >= 0 && port <= 65_535, "port", port);
        require(socketRequestBytesMax >= REQUEST_BYTES_MIN, "socketRequestBytesMax", socketRequestBytesMax);
        require(connectionsIdleMsMax > 0, "connectionsIdleMsMax", connectionsIdleMsMax);
        require(requestReadTimeoutMs > 0, "requestReadTimeoutMs", requestReadTimeoutMs);
        require(connectionsMax > 0, "connectionsMax", connectionsMax);
        require(connectionsPerIpMax > 0, "connectionsPerIpMax", connectionsPerIpMax);
        require(inFlightRequestsPerConnectionMax > 0, "inFlightRequestsPerConnectionMax",
                inFlightRequestsPerConnectionMax);
        require(outboundBufferBytesMax >= 2, "outboundBufferBytesMax", outboundBufferBytesMax);
        require(eventLoopThreads >= 0, "eventLoopThreads", eventLoopThreads);
        require(shutdownDrainMsMax >= 0, "shutdownDrainMsMax", shutdownDrainMsMax);
        require(socketSendBufferBytes > 0 || socketSendBufferBytes == BrokerConfig.SOCKET_BUFFER_OS_DEFAULT,
                "socketSendBufferBytes", socketSendBufferBytes);
        require(socketReceiveBufferBytes > 0 || socketReceiveBufferBytes == BrokerConfig.SOCKET_BUFFER_OS_DEFAULT,
                "socketReceiveBufferBytes", socketReceiveBufferBytes);
    }

    /** As the canonical constructor, with the OS's socket buffer sizes. */
    public NetworkConfig(String host, int port, String listenerName, int socketRequestBytesMax,
            long connectionsIdleMsMax, long requestReadTimeoutMs, int connectionsMax, int connectionsPerIpMax,
            int inFlightRequestsPerConnectionMax, int outboundBufferBytesMax, int eventLoopThreads,
            long shutdownDrainMsMax) {
        this(host, port, listenerName, socketRequestBytesMax, connectionsIdleMsMax, requestReadTimeoutMs,
                connectionsMax, connectionsPerIpMax, inFlightRequestsPerConnectionMax, outboundBufferBytesMax,
                eventLoopThreads, shutdownDrainMsMax, BrokerConfig.SOCKET_BUFFER_OS_DEFAULT, BrokerConfig.SOCKET_BUFFER_OS_DEFAULT);
    }

    /** The broker's listener and limits; the settings the broker config lacks take their defaults. */
    public static NetworkConfig from(BrokerConfig broker) {
        return new NetworkConfig(broker.listenerHost(), broker.listenerPort(), DEFAULT_LISTENER_NAME,
                broker.socketRequestBytesMax(), broker.connectionsIdleMsMax(), broker.requestReadTimeoutMs(),
                broker.connectionsMax(), broker.connectionsPerIpMax(), broker.inFlightRequestsPerConnectionMax(),
                DEFAULT_OUTBOUND_BUFFER_BYTES_MAX, 0, DEFAULT_SHUTDOWN_DRAIN_MS_MAX, broker.socketSendBufferBytes(),
                broker.socketReceiveBufferBytes());
    }

    private static void require(boolean condition, String name, long value) {
        if (!condition) {
            throw new IllegalArgumentException("invalid " + name + ": " + value);
        }
    }
}
