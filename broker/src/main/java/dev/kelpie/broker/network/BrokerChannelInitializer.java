package dev.kelpie.broker.network;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.protocol.RequestParser;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;

/**
 * Builds every connection's pipeline. Each stage does one thing and is named here, in order:
 *
 * <pre>
 *  socket ─▶ connectionLimit ─▶ idleTimeout ─▶ frameDecoder ─▶ requestDecoder ──────────────▶ requestDispatcher ─▶ RequestHandler
 *  socket ◀──────────────────── idleTimeout ◀────────────────────────────────── responseEncoder ◀─ requestDispatcher ◀─ stage completes
 * </pre>
 *
 * <table>
 *   <caption>Stages</caption>
 *   <tr><th>name</th><th>does</th><th>closes the connection on</th></tr>
 *   <tr><td>{@value #CONNECTION_LIMIT}</td><td>counts connections</td><td>max.connections,
 *       max.connections.per.ip</td></tr>
 *   <tr><td>{@value #IDLE_TIMEOUT}</td><td>watches reads and writes</td><td>connections.max.idle.ms</td></tr>
 *   <tr><td>{@value #FRAME_DECODER}</td><td>int32-size frames</td><td>bad declared size, slowloris deadline</td></tr>
 *   <tr><td>{@value #REQUEST_DECODER}</td><td>header + body via kafka-clients</td><td>unknown key, unserved
 *       version, malformed bytes</td></tr>
 *   <tr><td>{@value #RESPONSE_ENCODER}</td><td>response → ByteBufs + FileRegions</td><td>unencodable error
 *       response</td></tr>
 *   <tr><td>{@value #REQUEST_DISPATCHER}</td><td>handler calls, response order, back-pressure, drain</td>
 *       <td>failed acks=0 produce</td></tr>
 * </table>
 *
 * <p>Thread-safety: one instance per server; {@code initChannel} runs on each new connection's event loop and
 * only reads the shared, thread-safe collaborators.
 */
final class BrokerChannelInitializer extends ChannelInitializer<Channel> {
    static final String CONNECTION_LIMIT = "connectionLimit";
    static final String IDLE_TIMEOUT = "idleTimeout";
    static final String FRAME_DECODER = "frameDecoder";
    static final String REQUEST_DECODER = "requestDecoder";
    static final String RESPONSE_ENCODER = "responseEncoder";
    static final String REQUEST_DISPATCHER = "requestDispatcher";

    private final NetworkConfig config;
    private final ConnectionLimiter connectionLimiter;
    private final RequestParser parser;
    private final RequestHandler handler;
    private final Clock clock;
    private final ChannelGroup connections;
    private final RequestQueues queues;

    BrokerChannelInitializer(NetworkConfig config, ConnectionLimiter connectionLimiter, RequestParser parser,
            RequestHandler handler, Clock clock, ChannelGroup connections) {
        this(config, connectionLimiter, parser, handler, clock, connections, new RequestQueues());
    }

    BrokerChannelInitializer(NetworkConfig config, ConnectionLimiter connectionLimiter, RequestParser parser,
            RequestHandler handler, Clock clock, ChannelGroup connections, RequestQueues queues) {
        this.queues = queues;
        this.config = config;
        this.connectionLimiter = connectionLimiter;
        this.parser = parser;
        this.handler = handler;
        this.clock = clock;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel channel) {
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(CONNECTION_LIMIT, connectionLimiter);
        pipeline.addLast(IDLE_TIMEOUT, new IdleConnectionCloser(config.connectionsIdleMsMax()));
        pipeline.addLast(FRAME_DECODER, new FrameDecoder(config.socketRequestBytesMax(), config.requestReadTimeoutMs()));
        pipeline.addLast(REQUEST_DECODER, new RequestDecoder(parser, config.listenerName(), clock));
        pipeline.addLast(RESPONSE_ENCODER, new ResponseEncoder());
        pipeline.addLast(REQUEST_DISPATCHER, new RequestDispatcher(handler, config.inFlightRequestsPerConnectionMax(),
                queues));
    }
}
