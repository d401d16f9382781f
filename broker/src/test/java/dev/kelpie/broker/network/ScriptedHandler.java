package dev.kelpie.broker.network;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/** A handler whose stages the test completes, in any order. */
final class ScriptedHandler implements RequestHandler {
    record Call(RequestContext context, AbstractRequest request, CompletableFuture<AbstractResponse> stage) {
        int correlationId() {
            return context.header().correlationId();
        }
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        Call call = new Call(context, request, new CompletableFuture<>());
        calls.add(call);
        return call.stage();
    }

    Call call(int index) {
        return calls.get(index);
    }
}
