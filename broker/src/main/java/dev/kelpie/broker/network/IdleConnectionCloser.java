package dev.kelpie.broker.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline stage {@value BrokerChannelInitializer#IDLE_TIMEOUT}: {@code connections.max.idle.ms}. A connection
 * with no reads and no write progress for that long is closed, as Kafka's selector does. Write progress counts
 * even mid-response, so a slow reader of a large fetch is not idle; a client that stops reading entirely makes
 * no progress and is eventually closed too.
 *
 * <p>Thread-safety: one instance per connection, used on its event loop only.
 */
final class IdleConnectionCloser extends IdleStateHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(IdleConnectionCloser.class);

    IdleConnectionCloser(long connectionsIdleMsMax) {
        super(true, 0, 0, connectionsIdleMsMax, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        LOGGER.debug("Closing connection from {}: idle for {} ms", ctx.channel().remoteAddress(),
                getAllIdleTimeInMillis());
        ctx.close();
    }
}
