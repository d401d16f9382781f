package dev.kelpie.operator.topic;

import java.time.Duration;
import java.util.Objects;

/**
 * How often the Topic reconciler looks again, and how long it waits for a broker.
 *
 * @param driftCheckInterval how often an in-sync topic is compared with the broker again, so that changes
 *     made behind the operator's back are reverted; also the wait after a refusal the broker will repeat
 *     (an invalid config) until the spec changes
 * @param retryInterval the wait after an error that may pass (a timeout, an unavailable broker)
 * @param adminCallTimeout how long one Admin call may take
 */
public record TopicSettings(Duration driftCheckInterval, Duration retryInterval, Duration adminCallTimeout) {

    public TopicSettings {
        Objects.requireNonNull(driftCheckInterval, "driftCheckInterval");
        Objects.requireNonNull(retryInterval, "retryInterval");
        Objects.requireNonNull(adminCallTimeout, "adminCallTimeout");
        if (driftCheckInterval.isNegative() || driftCheckInterval.isZero() || retryInterval.isNegative()
                || retryInterval.isZero() || adminCallTimeout.isNegative() || adminCallTimeout.isZero()) {
            throw new IllegalArgumentException("intervals and timeouts must be positive: " + driftCheckInterval
                    + ", " + retryInterval + ", " + adminCallTimeout);
        }
    }

    /** Drift checked every two minutes, errors retried after 20 s, Admin calls bounded at 15 s. */
    public static TopicSettings defaults() {
        return new TopicSettings(Duration.ofMinutes(2), Duration.ofSeconds(20), Duration.ofSeconds(15));
    }
}
