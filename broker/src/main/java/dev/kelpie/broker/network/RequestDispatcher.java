package dev.kelpie.broker.network;

import dev.kelpie.broker.protocol.ErrorResponses;
import dev.kelpie.broker.protocol.ResponseSerializer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline stage {@value BrokerChannelInitializer#REQUEST_DISPATCHER}: hands requests to the
 * {@link RequestHandler}, sends their responses strictly in request order, and applies back-pressure.
 *
 * <p><b>Ordering.</b> Clients pipeline requests (the Java client up to 5) and match responses by order as well
 * as correlation id. Every dispatched request takes a slot at the tail of the in-flight queue; stages complete
 * in any order on any thread, hop back to the event loop, and fill their slot; responses leave only from the
 * head. A slot may hold no response (Produce with acks=0) and is skipped, still in order.
 *
 * <p><b>Back-pressure.</b> At most {@code inFlightRequestsPerConnectionMax} requests are dispatched at once.
 * Requests read beyond that (at most one socket read's worth, since Netty stops its read loop when autoRead
 * goes off) wait undispatched. Reading pauses (autoRead off) while the in-flight queue is full, requests wait,
 * or the channel is not writable (queued response bytes above the high water mark), and resumes when all
 * three clear. A client that never reads its responses thus holds at most the outbound high water mark plus
 * the responses of its in-flight requests.
 *
 * <p><b>Errors at one edge.</b> A stage failing with a Kafka {@code ApiException} is answered with that error
 * ({@code request.getErrorResponse}); any other failure, or a null response to anything but an acks=0
 * Produce, is logged once with its stack trace and answered UNKNOWN_SERVER_ERROR. A failed acks=0 Produce
 * closes the connection after earlier responses, as Kafka does, since the producer reads no response.
 *
 * <p><b>Lifecycle</b>: {@link ConnectionState}. When the connection closes, waiting requests are dropped and
 * responses not yet sent are discarded, releasing their file slices; so are responses completing later.
 * A request's {@link FrameLease} is released when its stage completes, or when it is dropped undispatched.
 *
 * <p>Thread-safety: one instance per connection; all state is touched on the connection's event loop only.
 * {@link RequestHandler} stages may complete on any thread.
 */
final class RequestDispatcher extends ChannelDuplexHandler {
    /** User event asking a connection to finish its in-flight requests and close (server shutdown). */
    enum Drain { INSTANCE }

    private static final Logger LOGGER = LoggerFactory.getLogger(RequestDispatcher.class);

    private final RequestHandler handler;
    private final int inFlightRequestsMax;
    private final RequestQueues queues;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final ArrayDeque<InboundRequest> waiting = new ArrayDeque<>();
    private ConnectionState state = ConnectionState.open();
    private ChannelHandlerContext ctx;
    private boolean pumping;

    RequestDispatcher(RequestHandler handler, int inFlightRequestsMax, RequestQueues queues) {
        this.handler = handler;
        this.inFlightRequestsMax = inFlightRequestsMax;
        this.queues = queues;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(state instanceof ConnectionState.Open) || !ctx.channel().isActive()) {
            request.lease().release();
            return;
        }
        waiting.add(request);
        queues.waitingChanged(1);
        pump();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event != Drain.INSTANCE) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (state instanceof ConnectionState.Open open) {
            state = open.drain();
            pump();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pump();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close("connection closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOGGER.debug("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOGGER.warn("Closing connection from {} after an unexpected error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** Sends what is ready, dispatches what may be, then updates reading. Not re-entrant: nested calls no-op. */
    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        boolean wrote = false;
        try {
            boolean progress = true;
            while (progress && state instanceof ConnectionState.Live) {
                progress = false;
                while (!inFlight.isEmpty() && inFlight.peek().outcome != null && state instanceof ConnectionState.Live) {
                    queues.inFlightChanged(-1);
                    wrote |= send(inFlight.poll());
                    progress = true;
                }
                if (!waiting.isEmpty() && mayDispatch()) {
                    queues.waitingChanged(-1);
                    dispatch(waiting.poll());
                    progress = true;
                }
            }
        } finally {
            pumping = false;
        }
        if (wrote) {
            ctx.flush();
        }
        if (state instanceof ConnectionState.Live) {
            updateReading();
        }
        if (state instanceof ConnectionState.Draining && inFlight.isEmpty() && waiting.isEmpty()) {
            closeAfterFlush("drained for shutdown");
        }
    }

    private boolean mayDispatch() {
        return state instanceof ConnectionState.Live && inFlight.size() < inFlightRequestsMax
                && ctx.channel().isWritable();
    }

    private void updateReading() {
        boolean read = state instanceof ConnectionState.Open && waiting.isEmpty()
                && inFlight.size() < inFlightRequestsMax && ctx.channel().isWritable();
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead() != read) {
            config.setAutoRead(read);
        }
    }

    private void dispatch(InboundRequest request) {
        InFlight slot = new InFlight(request);
        inFlight.add(slot);
        queues.inFlightChanged(1);
        if (request instanceof InboundRequest.Answered answered) {
            slot.outcome = new Outcome.Send(answered.response());
            return;
        }
        CompletionStage<AbstractResponse> stage;
        try {
            stage = handler.handle(request.context(), request.request());
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new IllegalStateException("RequestHandler returned no stage"));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((response, failure) -> onStageDone(slot, response, failure));
    }

    /** Any thread. The handler is done with the request, so the network buffer it aliased goes back first. */
    private void onStageDone(InFlight slot, AbstractResponse response, Throwable failure) {
        slot.request.lease().release();
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            complete(slot, response, failure);
            return;
        }
        try {
            loop.execute(() -> complete(slot, response, failure));
        } catch (RejectedExecutionException e) {
            discard(slot.request.request(), response);
        }
    }

    private void complete(InFlight slot, AbstractResponse response, Throwable failure) {
        if (state instanceof ConnectionState.Closed) {
            discard(slot.request.request(), response);
            return;
        }
        slot.outcome = outcome(slot.request, response, failure);
        pump();
    }

    private Outcome outcome(InboundRequest inbound, AbstractResponse response, Throwable failure) {
        AbstractRequest request = inbound.request();
        boolean acksZero = request instanceof ProduceRequest produce && produce.acks() == 0;
        if (failure == null && response != null) {
            return new Outcome.Send(response);
        }
        if (failure == null && acksZero) {
            return Outcome.Nothing.INSTANCE;
        }
        if (failure == null) {
            failure = new IllegalStateException("RequestHandler completed " + request.apiKey() + " with no response");
        }
        if (acksZero) {
            return new Outcome.Close("acks=0 produce failed: " + ErrorResponses.cause(failure));
        }
        if (!ErrorResponses.isApiError(failure)) {
            LOGGER.error("{} v{} (correlation id {}) from {} failed; answering UNKNOWN_SERVER_ERROR", request.apiKey(),
                    request.version(), inbound.context().header().correlationId(), inbound.context().clientAddress(),
                    ErrorResponses.cause(failure));
        }
        try {
            return new Outcome.Send(ErrorResponses.forFailure(request, failure));
        } catch (RuntimeException e) {
            LOGGER.error("Cannot build the error response for {} v{}", request.apiKey(), request.version(), e);
            return new Outcome.Close("no error response for " + request.apiKey());
        }
    }

    /** @return whether something was written */
    private boolean send(InFlight slot) {
        if (slot.outcome instanceof Outcome.Send send) {
            ctx.write(new OutboundResponse(slot.request.context(), slot.request.request(), send.response()));
            return true;
        }
        if (slot.outcome instanceof Outcome.Close close) {
            closeAfterFlush(close.reason());
        }
        return false;
    }

    private void closeAfterFlush(String reason) {
        if (close(reason)) {
            LOGGER.debug("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** @return whether this call closed the connection's state */
    private boolean close(String reason) {
        if (!(state instanceof ConnectionState.Live live)) {
            return false;
        }
        state = live.close(reason);
        queues.waitingChanged(-waiting.size());
        queues.inFlightChanged(-inFlight.size());
        // in-flight requests release their buffers when their stages complete, which may be later
        waiting.forEach(request -> request.lease().release());
        waiting.clear();
        for (InFlight slot : inFlight) {
            if (slot.outcome instanceof Outcome.Send send) {
                discard(slot.request.request(), send.response());
            }
        }
        inFlight.clear();
        return true;
    }

    private static void discard(AbstractRequest request, AbstractResponse response) {
        if (response == null) {
            return;
        }
        try {
            ResponseSerializer.discard(response.data(), request.version());
        } catch (RuntimeException e) {
            LOGGER.error("Cannot walk a dropped {} v{} response to release its file slices", request.apiKey(),
                    request.version(), e);
        }
    }

    /** One dispatched request's slot in the in-flight queue; {@code outcome} is set once, on the event loop. */
    private static final class InFlight {
        final InboundRequest request;
        Outcome outcome;

        InFlight(InboundRequest request) {
            this.request = request;
        }
    }

    private sealed interface Outcome {
        record Send(AbstractResponse response) implements Outcome {
        }

        enum Nothing implements Outcome { INSTANCE }

        record Close(String reason) implements Outcome {
        }
    }
}
