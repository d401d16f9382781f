package dev.kelpie.broker.network;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.protocol.ApiVersionsResponder;
import dev.kelpie.broker.protocol.RequestParser;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's Kafka listener: Netty 4.2 on epoll when the native transport loads, NIO otherwise.
 *
 * <p>Lifecycle: {@link #start()} binds (port 0 picks an ephemeral port, see {@link #port()}); {@link #close()}
 * shuts down gracefully: stop accepting, ask every connection to drain (no more reads; requests already read
 * are answered; then the connection closes), wait up to {@code shutdownDrainMsMax}, close what remains, stop the
 * event loops. Responses completing after that are discarded and their file slices released.
 *
 * <p>Each connection's pipeline is built by {@link BrokerChannelInitializer}, which names every stage.
 *
 * <p>Thread-safety: {@code start} and {@code close} are synchronized and meant for the thread that owns the
 * broker's lifecycle; {@code port}, {@code boundAddress} and {@code stats} are safe from any thread once started.
 */
public final class NetworkServer implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(NetworkServer.class);
    /**
     * Largest socket read. Netty's adaptive default stops at 64 KiB, so every 64 KiB produce batch arrived in two
     * reads and was stitched together by a copy; reads grow to this only while a connection keeps them full.
     */
    static final int SOCKET_READ_BYTES_MAX = 1024 * 1024;
    /**
     * Netty's pooled arenas, not 4.2's default adaptive allocator: produce buffers stay allocated until their
     * fsync completes, and under that hold time the adaptive allocator kept mapping fresh chunks (page faults and
     * zeroing on the hot path); measured on the shared baseline, broker CPU for acks=all fell from 9.4–10.2 s to
     * 7.2 s for 2 GiB, and resident memory from 591 to 370 MiB.
     */
    private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    private static final int ACCEPT_BACKLOG = 1024;
    private static final long EVENT_LOOP_SHUTDOWN_MS_MAX = 2_000;

    /** Which Netty transport to use; tests force NIO to cover the path non-Linux hosts take. */
    enum Transport { NATIVE_WHEN_AVAILABLE, NIO }

    private final NetworkConfig config;
    private final Transport transport;
    private final RequestHandler handler;
    private final RequestParser parser;
    private final Clock clock;
    private final ConnectionLimiter connectionLimiter;
    private final ChannelGroup connections = new DefaultChannelGroup("kelpie-connections", GlobalEventExecutor.INSTANCE);
    private final RequestQueues queues = new RequestQueues();
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup ioGroup;
    private volatile Channel serverChannel;
    private boolean closed;

    /**
     * @param config listener and limits
     * @param handler called on a connection's event loop for every served request
     * @param apiVersions what is advertised and served: decides which requests are parsed, and answers too-new
     *     ApiVersions requests
     * @param clock stamps {@link RequestContext#receivedNs()}
     */
    public NetworkServer(NetworkConfig config, RequestHandler handler, ApiVersionsResponder apiVersions, Clock clock) {
        this(config, handler, apiVersions, clock, Transport.NATIVE_WHEN_AVAILABLE);
    }

    NetworkServer(NetworkConfig config, RequestHandler handler, ApiVersionsResponder apiVersions, Clock clock,
            Transport transport) {
        this.config = Objects.requireNonNull(config);
        this.transport = Objects.requireNonNull(transport);
        this.handler = Objects.requireNonNull(handler);
        this.parser = new RequestParser(Objects.requireNonNull(apiVersions));
        this.clock = Objects.requireNonNull(clock);
        this.connectionLimiter = new ConnectionLimiter(config.connectionsMax(), config.connectionsPerIpMax());
    }

    /** A socket option value: the size, or null (Netty then leaves the option alone) for the OS default. */
    private static Integer sizeOrOsDefault(int bytes) {
        return bytes == BrokerConfig.SOCKET_BUFFER_OS_DEFAULT ? null : bytes;
    }

    /**
     * Binds {@code host:port} and starts accepting.
     *
     * @throws UncheckedIOException if the address cannot be bound (e.g. the port is in use)
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() {
        if (serverChannel != null || closed) {
            throw new IllegalStateException("NetworkServer already " + (closed ? "closed" : "started"));
        }
        boolean epoll = transport == Transport.NATIVE_WHEN_AVAILABLE && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        acceptorGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kelpie-accept"), io);
        ioGroup = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), new DefaultThreadFactory("kelpie-network"),
                io);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int highWaterMark = config.outboundBufferBytesMax();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptorGroup, ioGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048,
                        SOCKET_READ_BYTES_MAX))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(highWaterMark / 2, highWaterMark))
                .childOption(ChannelOption.SO_SNDBUF, sizeOrOsDefault(config.socketSendBufferBytes()))
                .childOption(ChannelOption.SO_RCVBUF, sizeOrOsDefault(config.socketReceiveBufferBytes()))
                .childHandler(new BrokerChannelInitializer(config, connectionLimiter, parser, handler, clock,
                        connections, queues));
        ChannelFuture bind = bootstrap.bind(config.host(), config.port()).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutDownEventLoops();
            String message = "cannot listen on " + config.host() + ":" + config.port();
            if (bind.cause() instanceof IOException e) {
                throw new UncheckedIOException(message + ": " + e.getMessage(), e);
            }
            throw new IllegalStateException(message, bind.cause());
        }
        serverChannel = bind.channel();
        LOGGER.info("Listening for Kafka clients on {} ({}, {})", boundAddress(), config.listenerName(),
                epoll ? "epoll" : "nio");
    }

    /** The listener's name, e.g. {@code PLAINTEXT}: the {@code listener} label of its metrics. */
    public String listenerName() {
        return config.listenerName();
    }

    /** The bound port: the configured one, or the ephemeral one picked for port 0. */
    public int port() {
        return boundAddress().getPort();
    }

    public InetSocketAddress boundAddress() {
        Channel channel = serverChannel;
        if (channel == null) {
            throw new IllegalStateException("NetworkServer not started");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /** A snapshot; counts may be slightly stale as connections change on their own threads. */
    public NetworkStats stats() {
        int open = 0;
        int paused = 0;
        long pendingBytes = 0;
        for (Channel channel : connections) {
            open++;
            if (!channel.config().isAutoRead()) {
                paused++;
            }
            ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
            if (outbound != null) {
                pendingBytes += outbound.totalPendingWriteBytes();
            }
        }
        return new NetworkStats(open, paused, pendingBytes, connectionLimiter.refused(), connectionLimiter.accepted(),
                connectionLimiter.closed(), queues.waiting(), queues.inFlight());
    }

    /** Graceful shutdown; see the class comment. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Channel server = serverChannel;
        if (server == null) {
            return;
        }
        server.close().awaitUninterruptibly();
        ChannelGroupFuture allClosed = connections.newCloseFuture();
        for (Channel connection : connections) {
            connection.pipeline().fireUserEventTriggered(RequestDispatcher.Drain.INSTANCE);
        }
        if (!allClosed.awaitUninterruptibly(config.shutdownDrainMsMax(), TimeUnit.MILLISECONDS)) {
            LOGGER.warn("{} connections still busy {} ms after shutdown began; closing them", connections.size(),
                    config.shutdownDrainMsMax());
            connections.close().awaitUninterruptibly();
        }
        shutDownEventLoops();
        LOGGER.info("Stopped listening on {}", server.localAddress());
    }

    private void shutDownEventLoops() {
        Future<?> acceptor = acceptorGroup.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN_MS_MAX, TimeUnit.MILLISECONDS);
        Future<?> io = ioGroup.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN_MS_MAX, TimeUnit.MILLISECONDS);
        acceptor.awaitUninterruptibly();
        io.awaitUninterruptibly();
    }
}
