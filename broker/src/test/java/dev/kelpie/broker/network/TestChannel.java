package dev.kelpie.broker.network;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.protocol.ApiVersionsResponder;
import dev.kelpie.broker.protocol.KafkaWire;
import dev.kelpie.broker.protocol.Parts;
import dev.kelpie.broker.protocol.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;

/** An in-JVM connection through the whole pipeline, with an IP peer address. */
final class TestChannel extends EmbeddedChannel {
    static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);
    static final ApiVersionsResponder API_VERSIONS = new ApiVersionsResponder(EnumSet.of(ApiKeys.METADATA,
            ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.LIST_OFFSETS));

    private TestChannel(ChannelHandler initializer) {
        super(initializer);
    }

    static TestChannel open(NetworkConfig config, RequestHandler handler) {
        return open(config, handler, new ConnectionLimiter(config.connectionsMax(), config.connectionsPerIpMax()));
    }

    static TestChannel open(NetworkConfig config, RequestHandler handler, ConnectionLimiter limiter) {
        return new TestChannel(new BrokerChannelInitializer(config, limiter, new RequestParser(API_VERSIONS), handler,
                Clock.SYSTEM, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
    }

    static NetworkConfig config(int inFlightMax, long requestReadTimeoutMs) {
        return new NetworkConfig("127.0.0.1", 0, "PLAINTEXT", 1024 * 1024, 60_000, requestReadTimeoutMs, 100, 100,
                inFlightMax, 64 * 1024, 1, 1_000);
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return PEER;
    }

    /** Delivers bytes as one socket read into a direct buffer, as epoll does; returns that buffer. */
    ByteBuf receiveDirect(byte[]... chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            all.writeBytes(chunk);
        }
        ByteBuf direct = Unpooled.directBuffer(all.size());
        direct.writeBytes(all.toByteArray());
        writeInbound(direct.retain());
        return direct;
    }

    /** Delivers bytes as one socket read. */
    void receive(byte[]... chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            all.writeBytes(chunk);
        }
        writeInbound(Unpooled.wrappedBuffer(all.toByteArray()));
    }

    /** Every response frame written so far, without size prefixes; outbound parts are released. */
    List<ByteBuffer> sentFrames() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Object part;
        while ((part = readOutbound()) != null) {
            bytes.writeBytes(Parts.drain(part));
        }
        ByteBuffer stream = ByteBuffer.wrap(bytes.toByteArray());
        List<ByteBuffer> frames = new ArrayList<>();
        while (stream.hasRemaining()) {
            int size = stream.getInt();
            ByteBuffer frame = stream.slice();
            frame.limit(size);
            frames.add(frame);
            stream.position(stream.position() + size);
        }
        return frames;
    }

    /** Correlation ids of the responses sent so far, each parsed as {@code key} at {@code version}. */
    List<Integer> sentCorrelationIds(ApiKeys key, short version) {
        return sentFrames().stream().map(frame -> KafkaWire.response(frame, key, version).correlationId()).toList();
    }
}
