package dev.kelpie.broker.server;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the failure of one partition's (or one item's) work into the error code of its slot in a response.
 * Whole-request failures are mapped by the network layer instead. An {@link ApiException} keeps its code
 * and message; a timeout is REQUEST_TIMED_OUT; anything else is a bug, logged here once with its stack
 * trace, and answered UNKNOWN_SERVER_ERROR.
 *
 * <p>Thread-safety: stateless.
 */
final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    static ApiError toApiError(Throwable failure, Object where) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ApiException) {
            return ApiError.fromThrowable(cause);
        }
        if (cause instanceof TimeoutException) {
            return new ApiError(Errors.REQUEST_TIMED_OUT, "Timed out waiting for " + where);
        }
        LOG.error("Unexpected failure for {}", where, cause);
        return new ApiError(Errors.UNKNOWN_SERVER_ERROR, cause.getClass().getSimpleName());
    }

    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
