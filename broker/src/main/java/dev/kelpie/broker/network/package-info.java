/**
 * The Kafka listener: Netty, framing, limits, per-connection ordering and back-pressure.
 *
 * <p>{@link dev.kelpie.broker.network.NetworkServer} accepts connections; each gets the pipeline that
 * {@link dev.kelpie.broker.network.BrokerChannelInitializer} names stage by stage. Decoded requests go to the
 * {@link dev.kelpie.broker.network.RequestHandler} (package {@code server}) on the connection's event loop; its
 * stages may complete on any thread, and responses leave strictly in request order.
 *
 * <p>Bounds per connection: one request frame ({@code socket.request.max.bytes}) being read, at most
 * {@code inFlightRequestsPerConnectionMax} requests dispatched, at most one socket read of requests waiting, and
 * about {@code outboundBufferBytesMax} of responses queued before reading pauses. Not yet bounded: the sum over
 * connections (Kafka's {@code queued.max.request.bytes} memory pool).
 *
 * <p>All decoding and encoding goes through package {@code protocol}; nothing here touches wire bytes beyond the
 * int32 frame size.
 */
package dev.kelpie.broker.network;
