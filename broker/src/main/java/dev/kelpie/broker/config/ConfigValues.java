package dev.kelpie.broker.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Typed, validated reads of the merged string settings. Every failure is a {@link ConfigException} whose
 * message names the key and the value ({@code Invalid value abc for configuration num.partitions: must be an
 * int}).
 *
 * <p>Immutable; safe from any thread.
 */
final class ConfigValues {
    private final Map<String, String> values;

    ConfigValues(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    Optional<String> string(String key) {
        return Optional.ofNullable(values.get(key)).map(String::trim);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    int intValue(String key, int defaultValue, long min, long max) {
        return (int) longValue(key, defaultValue, min, max, "an int", Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    long longValue(String key, long defaultValue, long min, long max) {
        return longValue(key, defaultValue, min, max, "a long", Long.MIN_VALUE, Long.MAX_VALUE);
    }

    boolean booleanValue(String key, boolean defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, v.get(), "must be true or false");
        };
    }

    /** A comma-separated list with blank entries dropped; empty when the key is absent. */
    List<String> list(String key) {
        return string(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList()).orElse(List.of());
    }

    private long longValue(String key, long defaultValue, long min, long max, String typeName, long typeMin,
            long typeMax) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v.get(), "must be " + typeName);
        }
        if (parsed < typeMin || parsed > typeMax) {
            throw new ConfigException(key, v.get(), "must be " + typeName);
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(key, v.get(), range(min, max));
        }
        return parsed;
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return "must be at least " + min;
        }
        return "must be between " + min + " and " + max;
    }
}
