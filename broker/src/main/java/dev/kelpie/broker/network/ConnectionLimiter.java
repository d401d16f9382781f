package dev.kelpie.broker.network;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline stage {@value BrokerChannelInitializer#CONNECTION_LIMIT}: enforces {@code max.connections} and
 * {@code max.connections.per.ip} by closing a new connection over either limit before it reads anything.
 * A refused connection never reaches the later stages' {@code channelActive}.
 *
 * <p>Thread-safety: one instance is shared by every connection of a server; counts are atomic, per-address
 * counts live in a concurrent map whose entries disappear at zero.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConnectionLimiter.class);
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf(ConnectionLimiter.class, "counted");

    private final int connectionsMax;
    private final int connectionsPerIpMax;
    private final AtomicInteger connections = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> connectionsPerIp = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();

    ConnectionLimiter(int connectionsMax, int connectionsPerIpMax) {
        this.connectionsMax = connectionsMax;
        this.connectionsPerIpMax = connectionsPerIpMax;
    }

    /** Connections refused since start. */
    long refused() {
        return refused.get();
    }

    /** Connections accepted (not refused) since start. */
    long accepted() {
        return accepted.get();
    }

    /** Accepted connections that have closed since start. */
    long closed() {
        return closed.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = RequestDecoder.clientAddress(ctx.channel()).getAddress();
        String refusal = tryAcquire(address);
        if (refusal != null) {
            refused.incrementAndGet();
            LOGGER.debug("Refusing connection from {}: {}", ctx.channel().remoteAddress(), refusal);
            ctx.close();
            return;
        }
        ctx.channel().attr(COUNTED).set(address);
        accepted.incrementAndGet();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            release(address);
            closed.incrementAndGet();
        }
        super.channelInactive(ctx);
    }

    private String tryAcquire(InetAddress address) {
        if (connections.incrementAndGet() > connectionsMax) {
            connections.decrementAndGet();
            return "max.connections (" + connectionsMax + ") reached";
        }
        int count = connectionsPerIp.merge(address, 1, Integer::sum);
        if (count > connectionsPerIpMax) {
            release(address);
            return "max.connections.per.ip (" + connectionsPerIpMax + ") reached";
        }
        return null;
    }

    private void release(InetAddress address) {
        connectionsPerIp.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
        connections.decrementAndGet();
    }
}
