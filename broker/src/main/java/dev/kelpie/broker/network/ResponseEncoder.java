package dev.kelpie.broker.network;

import dev.kelpie.broker.protocol.ErrorResponses;
import dev.kelpie.broker.protocol.ResponseSerializer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.PromiseCombiner;
import java.util.List;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.requests.AbstractRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline stage {@value BrokerChannelInitializer#RESPONSE_ENCODER}: encodes an {@link OutboundResponse} with
 * {@link ResponseSerializer} into {@code ByteBuf}s and {@code FileRegion}s (zero-copy records) and writes them
 * in order; the write's promise completes when every part is written.
 *
 * <p>A response that cannot be encoded at its version is a handler bug: it is logged once with its stack trace
 * and replaced by the request's UNKNOWN_SERVER_ERROR response, so the client still gets an answer for its
 * correlation id. If even that fails, the connection is closed.
 *
 * <p>Thread-safety: one instance per connection, used on its event loop only.
 */
final class ResponseEncoder extends ChannelOutboundHandlerAdapter {
    private static final Logger LOGGER = LoggerFactory.getLogger(ResponseEncoder.class);

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof OutboundResponse response)) {
            ctx.write(msg, promise);
            return;
        }
        List<Object> parts;
        try {
            parts = encode(ctx, response.request(), response);
        } catch (RuntimeException e) {
            LOGGER.error("Cannot encode {} v{} response for correlation id {} from {}; answering UNKNOWN_SERVER_ERROR",
                    response.request().apiKey(), response.request().version(), response.correlationId(),
                    response.context().clientAddress(), e);
            try {
                parts = encodeUnknownServerError(ctx, response);
            } catch (RuntimeException again) {
                LOGGER.error("Cannot encode UNKNOWN_SERVER_ERROR either; closing connection from {}",
                        response.context().clientAddress(), again);
                promise.setFailure(again);
                ctx.close();
                return;
            }
        }
        writeParts(ctx, parts, promise);
    }

    private static List<Object> encode(ChannelHandlerContext ctx, AbstractRequest request, OutboundResponse response) {
        return ResponseSerializer.serialize(response.correlationId(), request.apiKey(), request.version(),
                response.response().data(), ctx.alloc());
    }

    private static List<Object> encodeUnknownServerError(ChannelHandlerContext ctx, OutboundResponse response) {
        AbstractRequest request = response.request();
        var error = ErrorResponses.forFailure(request, new UnknownServerException("response encoding failed"));
        return ResponseSerializer.serialize(response.correlationId(), request.apiKey(), request.version(),
                error.data(), ctx.alloc());
    }

    private static void writeParts(ChannelHandlerContext ctx, List<Object> parts, ChannelPromise promise) {
        if (parts.size() == 1) {
            ctx.write(parts.get(0), promise);
            return;
        }
        PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
        for (Object part : parts) {
            combiner.add(ctx.write(part));
        }
        combiner.finish(promise);
    }
}
