package dev.kelpie.broker.network;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.protocol.ParsedFrame;
import dev.kelpie.broker.protocol.RequestParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline stage {@value BrokerChannelInitializer#REQUEST_DECODER}: turns a frame into an
 * {@link InboundRequest} with {@link RequestParser}, or closes the connection when the parser rejects it
 * (unknown api key, unserved version, malformed header or body; logged at debug with the reason).
 *
 * <p>Memory: a Produce frame in one direct buffer is parsed in place: its {@code MemoryRecords} alias the
 * pooled network buffer, which a {@link FrameLease} holds until the handler's stage completes (the
 * {@link RequestHandler} contract), so the log writes records to its file with no copy in between. Every other
 * frame (small requests, or a frame Netty had to assemble from several buffers) is copied once into its own
 * exactly-sized heap buffer and the Netty frame is released before parsing, as Kafka's {@code NetworkReceive}
 * reads each request into a heap buffer; those requests alias nothing Netty owns.
 *
 * <p>Thread-safety: one instance per connection, used on its event loop only.
 */
final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {
    private static final Logger LOGGER = LoggerFactory.getLogger(RequestDecoder.class);

    private final RequestParser parser;
    private final String listenerName;
    private final Clock clock;
    private boolean rejected;

    RequestDecoder(RequestParser parser, String listenerName, Clock clock) {
        super(ByteBuf.class);
        this.parser = parser;
        this.listenerName = listenerName;
        this.clock = clock;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        if (rejected) {
            return;
        }
        long receivedNs = clock.monotonicNs();
        FrameLease lease = FrameLease.NONE;
        ParsedFrame parsed;
        if (parsesInPlace(frame)) {
            lease = FrameLease.of(frame.retain());
            parsed = parser.parse(frame.nioBuffer());
        } else {
            ByteBuffer copy = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(copy);
            copy.flip();
            parsed = parser.parse(copy);
        }
        if (parsed instanceof ParsedFrame.Request request) {
            out.add(new InboundRequest.ToHandle(context(ctx, request.header(), receivedNs), request.request(), lease));
            return;
        }
        lease.release();
        if (parsed instanceof ParsedFrame.Answered answered) {
            out.add(new InboundRequest.Answered(context(ctx, answered.header(), receivedNs), answered.request(),
                    answered.response()));
        } else if (parsed instanceof ParsedFrame.Rejected rejection) {
            rejected = true;
            LOGGER.debug("Closing connection from {}: {}", ctx.channel().remoteAddress(), rejection.reason());
            ctx.close();
        }
    }

    /** Produce frames held in one direct buffer: the only requests large enough for a copy to matter. */
    private static boolean parsesInPlace(ByteBuf frame) {
        return frame.readableBytes() >= Short.BYTES && frame.getShort(frame.readerIndex()) == ApiKeys.PRODUCE.id
                && frame.isDirect() && frame.nioBufferCount() == 1;
    }

    private RequestContext context(ChannelHandlerContext ctx, RequestHeader header,
            long receivedNs) {
        return new RequestContext(header, clientAddress(ctx.channel()), listenerName, receivedNs);
    }

    /** The peer's address; loopback for channels without an IP peer (in-JVM test channels). */
    static InetSocketAddress clientAddress(Channel channel) {
        SocketAddress remote = channel.remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet;
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
}
