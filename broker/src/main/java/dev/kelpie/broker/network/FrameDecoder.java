package dev.kelpie.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline stage {@value BrokerChannelInitializer#FRAME_DECODER}: splits the byte stream into request frames,
 * {@code int32 size | size bytes}, and emits each frame's payload as a retained slice.
 *
 * <p>Limits, each closing the connection:
 * <ul>
 *   <li>The declared size is checked as soon as its 4 bytes arrive, before any buffer is sized for it: below
 *       {@value NetworkConfig#REQUEST_BYTES_MIN} (the smallest request header; this covers zero and negative)
 *       or above {@code socket.request.max.bytes}. Bytes already received never exceed one read beyond the
 *       limit, so a 2 GiB declaration costs nothing.</li>
 *   <li>A frame must arrive whole within {@code requestReadTimeoutMs} of its first byte (slowloris: a client
 *       that declares a size and stalls, or trickles). The deadline is a total, not a gap, so trickling a
 *       byte at a time does not extend it. When it expires while reading is paused by back-pressure, it is
 *       re-armed: the pause is ours, not the client's.</li>
 * </ul>
 *
 * <p>Thread-safety: one instance per connection, used on its event loop only.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOGGER = LoggerFactory.getLogger(FrameDecoder.class);

    private final int socketRequestBytesMax;
    private final long requestReadTimeoutMs;
    private Future<?> frameDeadline;
    private boolean rejected;

    FrameDecoder(int socketRequestBytesMax, long requestReadTimeoutMs) {
        this.socketRequestBytesMax = socketRequestBytesMax;
        this.requestReadTimeoutMs = requestReadTimeoutMs;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!in.isReadable()) {
            return;
        }
        if (frameDeadline == null) {
            armDeadline(ctx);
        }
        if (in.readableBytes() < Integer.BYTES) {
            return;
        }
        int sizeBytes = in.getInt(in.readerIndex());
        if (sizeBytes < NetworkConfig.REQUEST_BYTES_MIN || sizeBytes > socketRequestBytesMax) {
            reject(ctx, in, "declared frame size " + sizeBytes + " outside [" + NetworkConfig.REQUEST_BYTES_MIN
                    + ", " + socketRequestBytesMax + "]");
            return;
        }
        if (in.readableBytes() < Integer.BYTES + sizeBytes) {
            return;
        }
        in.skipBytes(Integer.BYTES);
        out.add(in.readRetainedSlice(sizeBytes));
        cancelDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    private void armDeadline(ChannelHandlerContext ctx) {
        frameDeadline = ctx.executor().schedule(() -> onDeadline(ctx), requestReadTimeoutMs, TimeUnit.MILLISECONDS);
    }

    private void onDeadline(ChannelHandlerContext ctx) {
        frameDeadline = null;
        if (!ctx.channel().isActive() || rejected) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            armDeadline(ctx);
            return;
        }
        rejected = true;
        LOGGER.debug("Closing connection from {}: request frame incomplete after {} ms", ctx.channel().remoteAddress(),
                requestReadTimeoutMs);
        ctx.close();
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        rejected = true;
        cancelDeadline();
        in.skipBytes(in.readableBytes());
        LOGGER.debug("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    private void cancelDeadline() {
        if (frameDeadline != null) {
            frameDeadline.cancel(false);
            frameDeadline = null;
        }
    }
}
