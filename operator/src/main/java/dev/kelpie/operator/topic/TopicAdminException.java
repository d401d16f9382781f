package dev.kelpie.operator.topic;

import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;

/**
 * An Admin call failed. {@link #reason()} is what the Topic's {@code Ready} condition says: the Kafka error
 * name in CamelCase ({@code InvalidConfigurationException} is {@code INVALID_CONFIG}, so {@code InvalidConfig};
 * a call that ran out of time is {@code RequestTimedOut}). The message names the call, the topic and what it
 * set, then the broker's own message.
 */
public final class TopicAdminException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    /** The Admin client could not be created at all, e.g. its bootstrap address does not resolve. */
    public static final String BROKER_UNREACHABLE = "BrokerUnreachable";
    static final String REQUEST_TIMED_OUT = "RequestTimedOut";
    static final String KAFKA_CLIENT_ERROR = "KafkaClientError";

    private final String reason;
    private final boolean retriable;

    TopicAdminException(String reason, String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retriable = retriable;
    }

    /**
     * @param operation what was attempted, e.g. {@code IncrementalAlterConfigs of topic t (set retention.ms=x)}
     * @param failure what the Admin future failed with (wrappers are unwrapped)
     */
    static TopicAdminException of(String operation, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TimeoutException) {
            return new TopicAdminException(REQUEST_TIMED_OUT, operation + " did not complete in time", true, cause);
        }
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof ApiException api) {
            return new TopicAdminException(camelCase(Errors.forException(api)), operation + " failed: " + detail,
                    api instanceof RetriableException, cause);
        }
        if (cause instanceof KafkaException) {
            return new TopicAdminException(KAFKA_CLIENT_ERROR, operation + " failed: " + detail, true, cause);
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new TopicAdminException(KAFKA_CLIENT_ERROR, operation + " was interrupted", true, cause);
        }
        throw new IllegalStateException(operation + " failed unexpectedly", cause);
    }

    /** The Kafka error's name as a condition reason: {@code UNKNOWN_TOPIC_OR_PARTITION} is {@code UnknownTopicOrPartition}. */
    static String camelCase(Errors error) {
        StringBuilder out = new StringBuilder();
        for (String word : error.name().split("_")) {
            if (!word.isEmpty()) {
                out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The condition reason: a Kafka error name in CamelCase, or {@link #BROKER_UNREACHABLE}. */
    public String reason() {
        return reason;
    }

    /** Whether trying again soon may succeed (a timeout, an unavailable broker), unlike a refused config. */
    public boolean retriable() {
        return retriable;
    }
}
