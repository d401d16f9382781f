package dev.kelpie.broker.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline stage {@value BrokerChannelInitializer#IDLE_TIMEOUT}: {@code connections.max.idle.ms}. A connection
 * that neither read nor completed a write for that long is closed, as Kafka's selector does. A client that
 * stops reading its responses stops completing writes, so it is eventually closed too.
 *
 * <p>Thread-safety: one instance per connection, used on its event loop only.
 */
final class IdleConnectionCloser extends IdleStateHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(IdleConnectionCloser.class);

    IdleConnectionCloser(long connectionsIdleMsMax) {
        super(0, 0, connectionsIdleMsMax, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        LOGGER.debug("Closing connection from {}: idle for {} ms", ctx.channel().remoteAddress(),
                getAllIdleTimeInMillis());
        ctx.close();
    }
}
