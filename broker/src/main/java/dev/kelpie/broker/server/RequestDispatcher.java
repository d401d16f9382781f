package dev.kelpie.broker.server;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.network.RequestHandler;
import dev.kelpie.broker.protocol.ApiVersionsResponder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Routes each decoded request to the one {@link ApiHandler} registered for its API key. The table is also
 * what ApiVersions advertises, so the broker advertises exactly what it implements.
 *
 * <p>Requests that arrive before {@link #markReady()} (the port is open while the broker registers itself)
 * wait for it instead of seeing an image without this broker.
 *
 * <p>Thread-safety: the table is fixed at construction; {@link #handle} is safe from any event loop.
 */
public final class RequestDispatcher implements RequestHandler {
    private final Map<ApiKeys, ApiHandler<?>> handlers;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private final ApiVersionsResponder versions;

    /**
     * @param handlers one per API key, ApiVersions included
     * @param versions the advertised and served ranges (built from the same keys)
     */
    public RequestDispatcher(Collection<? extends ApiHandler<?>> handlers, ApiVersionsResponder versions) {
        this.versions = versions;
        EnumMap<ApiKeys, ApiHandler<?>> table = new EnumMap<>(ApiKeys.class);
        for (ApiHandler<?> handler : handlers) {
            if (table.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("Two handlers for " + handler.apiKey());
            }
        }
        this.handlers = Collections.unmodifiableMap(table);
        if (!versions.implemented().equals(table.keySet())) {
            throw new IllegalArgumentException("Advertised " + versions.implemented() + " but handlers for "
                    + table.keySet());
        }
    }

    /**
     * Builds the dispatcher for {@code handlers} (ApiVersions excluded): adds the ApiVersions handler,
     * advertising exactly these keys.
     */
    public static RequestDispatcher advertising(Collection<? extends ApiHandler<?>> handlers) {
        Set<ApiKeys> keys = EnumSet.noneOf(ApiKeys.class);
        handlers.forEach(h -> keys.add(h.apiKey()));
        ApiVersionsResponder versions = new ApiVersionsResponder(keys);
        List<ApiHandler<?>> all = new ArrayList<>(handlers);
        all.add(new ApiVersionsHandler(versions));
        return new RequestDispatcher(all, versions);
    }

    /** What ApiVersions advertises; the network layer parses only what it serves. */
    public ApiVersionsResponder versions() {
        return versions;
    }

    /** The registered handlers by key: the advertised API set. */
    public Map<ApiKeys, ApiHandler<?>> handlers() {
        return handlers;
    }

    /** Lets waiting and future requests through. */
    public void markReady() {
        ready.complete(null);
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        if (ready.isDone()) {
            return dispatch(context, request);
        }
        return ready.thenCompose(ignored -> dispatch(context, request));
    }

    private CompletionStage<AbstractResponse> dispatch(RequestContext context, AbstractRequest request) {
        ApiHandler<?> handler = handlers.get(request.apiKey());
        if (handler == null) {
            return CompletableFuture.failedFuture(new UnsupportedVersionException(
                    request.apiKey() + " is not supported by this broker"));
        }
        try {
            versions.checkServed(request.apiKey(), request.version());
            return invoke(handler, context, request);
        } catch (RuntimeException e) {
            // ApiExceptions become error responses; anything else is logged once by the network layer.
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <R extends AbstractRequest> CompletionStage<AbstractResponse> invoke(ApiHandler<R> handler,
            RequestContext context, AbstractRequest request) {
        return handler.handle(context, handler.requestType().cast(request));
    }
}
