package dev.kelpie.broker.protocol;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * The one place a failure becomes a Kafka error response. A Kafka {@link ApiException} (an operating error:
 * unknown topic, corrupt batch, ...) becomes its own error code; anything else is a bug and becomes
 * UNKNOWN_SERVER_ERROR, which the caller logs once with its stack trace.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    /** The failure without its {@code CompletionException}/{@code ExecutionException} wrappers. */
    public static Throwable cause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Whether the failure is an operating error with its own code (not worth a stack trace). */
    public static boolean isApiError(Throwable failure) {
        return cause(failure) instanceof ApiException;
    }

    /** {@code request}'s error response for {@code failure}, throttle time 0. */
    public static AbstractResponse forFailure(AbstractRequest request, Throwable failure) {
        Throwable cause = cause(failure);
        ApiException error = cause instanceof ApiException api ? api : Errors.UNKNOWN_SERVER_ERROR.exception();
        return request.getErrorResponse(0, error);
    }
}
