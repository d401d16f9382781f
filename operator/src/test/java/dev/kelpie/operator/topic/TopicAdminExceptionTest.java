package dev.kelpie.operator.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;

class TopicAdminExceptionTest {

    @Test
    void reasonIsTheKafkaErrorNameInCamelCase() {
        TopicAdminException e = TopicAdminException.of("IncrementalAlterConfigs of topic t (set {retention.ms=x})",
                new ExecutionException(new InvalidConfigurationException("Invalid value x for configuration "
                        + "retention.ms: must be a long")));
        assertThat(e.reason()).isEqualTo("InvalidConfig");
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("IncrementalAlterConfigs of topic t (set {retention.ms=x}) failed: "
                + "Invalid value x for configuration retention.ms: must be a long");
        assertThat(TopicAdminException.of("op", new InvalidPartitionsException("fewer")).reason())
                .isEqualTo("InvalidPartitions");
        assertThat(TopicAdminException.of("op", new PolicyViolationException("no")).reason())
                .isEqualTo("PolicyViolation");
    }

    @Test
    void timeoutsAndRetriableErrorsMayPass() {
        TopicAdminException timeout = TopicAdminException.of("Describing topic t", new TimeoutException());
        assertThat(timeout.reason()).isEqualTo("RequestTimedOut");
        assertThat(timeout.retriable()).isTrue();
        assertThat(timeout.getMessage()).isEqualTo("Describing topic t did not complete in time");
        TopicAdminException notController = TopicAdminException.of("op",
                new ExecutionException(new NotControllerException("moved")));
        assertThat(notController.reason()).isEqualTo("NotController");
        assertThat(notController.retriable()).isTrue();
        assertThat(TopicAdminException.of("op", new KafkaException("closed")).reason()).isEqualTo("KafkaClientError");
    }

    @Test
    void anythingElseIsAProgrammingError() {
        assertThatThrownBy(() -> TopicAdminException.of("op", new ExecutionException(new NullPointerException())))
                .isInstanceOf(IllegalStateException.class).hasMessage("op failed unexpectedly");
    }
}
