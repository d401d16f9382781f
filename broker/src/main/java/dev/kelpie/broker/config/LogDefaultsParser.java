package dev.kelpie.broker.config;

import static dev.kelpie.broker.config.BrokerConfigKeys.LOG_RETENTION_HOURS;
import static dev.kelpie.broker.config.BrokerConfigKeys.LOG_RETENTION_MINUTES;
import static dev.kelpie.broker.config.BrokerConfigKeys.LOG_RETENTION_MS;
import static dev.kelpie.broker.config.BrokerConfigKeys.LOG_ROLL_HOURS;
import static dev.kelpie.broker.config.BrokerConfigKeys.LOG_ROLL_MS;

import dev.kelpie.broker.log.LogConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Reads the broker-level topic defaults ({@code log.segment.bytes}, {@code log.retention.hours}, ...) into a
 * {@link LogConfig}. Retention and roll times follow Kafka's precedence: {@code log.retention.ms} over
 * {@code log.retention.minutes} over {@code log.retention.hours}, {@code log.roll.ms} over
 * {@code log.roll.hours}; a negative retention means unlimited ({@code -1}).
 *
 * <p>Stateless; safe from any thread.
 */
final class LogDefaultsParser {
    private static final long MS_PER_MINUTE = 60_000L;
    private static final long MS_PER_HOUR = 60 * MS_PER_MINUTE;

    private LogDefaultsParser() {
    }

    static LogConfig parse(ConfigValues v, LogConfig base) {
        LogConfig result = base;
        for (Map.Entry<String, String> e : BrokerConfigKeys.LOG_DEFAULT_NAMES.entrySet()) {
            String brokerKey = e.getKey();
            if (v.has(brokerKey)) {
                result = apply(result, brokerKey, e.getValue(), v.string(brokerKey).orElseThrow());
            }
        }
        Long retentionMs = retentionMs(v);
        if (retentionMs != null) {
            String key = v.has(LOG_RETENTION_MS) ? LOG_RETENTION_MS
                    : v.has(LOG_RETENTION_MINUTES) ? LOG_RETENTION_MINUTES : LOG_RETENTION_HOURS;
            result = apply(result, key, LogConfig.RETENTION_MS, Long.toString(retentionMs));
        }
        if (v.has(LOG_ROLL_MS)) {
            long ms = v.longValue(LOG_ROLL_MS, 0, 1, Long.MAX_VALUE);
            result = apply(result, LOG_ROLL_MS, LogConfig.SEGMENT_MS, Long.toString(ms));
        } else if (v.has(LOG_ROLL_HOURS)) {
            long hours = v.intValue(LOG_ROLL_HOURS, 0, 1, Integer.MAX_VALUE);
            result = apply(result, LOG_ROLL_HOURS, LogConfig.SEGMENT_MS, Long.toString(hours * MS_PER_HOUR));
        }
        return result;
    }

    private static Long retentionMs(ConfigValues v) {
        long ms;
        if (v.has(LOG_RETENTION_MS)) {
            ms = v.longValue(LOG_RETENTION_MS, 0, Long.MIN_VALUE, Long.MAX_VALUE);
        } else if (v.has(LOG_RETENTION_MINUTES)) {
            ms = v.intValue(LOG_RETENTION_MINUTES, 0, Integer.MIN_VALUE, Integer.MAX_VALUE) * MS_PER_MINUTE;
        } else if (v.has(LOG_RETENTION_HOURS)) {
            ms = v.intValue(LOG_RETENTION_HOURS, 0, Integer.MIN_VALUE, Integer.MAX_VALUE) * MS_PER_HOUR;
        } else {
            return null;
        }
        return ms < 0 ? -1 : ms;
    }

    /** Applies one topic-level value, reporting a rejection under the broker-level key the user wrote. */
    private static LogConfig apply(LogConfig config, String brokerKey, String topicKey, String value) {
        try {
            return config.withOverrides(Map.of(topicKey, value));
        } catch (InvalidConfigurationException e) {
            String message = String.valueOf(e.getMessage());
            int at = message.indexOf(topicKey + ": ");
            String reason = at >= 0 ? message.substring(at + topicKey.length() + 2) : message;
            throw new ConfigException(brokerKey, value, reason);
        }
    }
}
