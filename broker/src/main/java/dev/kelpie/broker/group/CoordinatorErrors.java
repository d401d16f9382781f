package dev.kelpie.broker.group;

import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidFetchSizeException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps failures of coordinator operations to what clients are told, as Kafka's group coordinator does: a write
 * the partition refused because this broker no longer leads it (or its log is offline) is NOT_COORDINATOR, so
 * the client looks the coordinator up again; a write that timed out or a missing partition is
 * COORDINATOR_NOT_AVAILABLE (retriable); records too large for the topic are UNKNOWN_SERVER_ERROR; other Kafka
 * errors pass through; anything else is a bug, logged once and answered UNKNOWN_SERVER_ERROR.
 *
 * <p>Stateless; safe from any thread.
 */
final class CoordinatorErrors {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorErrors.class);

    private CoordinatorErrors() {
    }

    static ApiException map(Throwable failure) {
        Throwable cause = GroupShard.unwrap(failure);
        if (cause instanceof NotLeaderOrFollowerException || cause instanceof KafkaStorageException) {
            return new NotCoordinatorException("This broker is no longer the coordinator: " + cause.getMessage());
        }
        if (cause instanceof TimeoutException || cause instanceof NotEnoughReplicasException
                || cause instanceof UnknownTopicOrPartitionException) {
            return new CoordinatorNotAvailableException("The coordinator could not write in time");
        }
        if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                || cause instanceof InvalidFetchSizeException) {
            return new UnknownServerException(cause.getMessage());
        }
        if (cause instanceof ApiException api) {
            return api;
        }
        LOG.error("Group coordinator operation failed unexpectedly", cause);
        return new UnknownServerException(cause.getClass().getSimpleName());
    }
}
