package dev.kelpie.operator.model;

import java.util.Objects;

/**
 * Something wrong with a Cluster's spec. A blocking problem stops the reconcile before anything is applied;
 * a non-blocking one is reported and the spec is applied anyway. Each becomes a {@code Warning} condition
 * whose reason is {@link #reason()}.
 *
 * @param reason a CamelCase reason, e.g. {@code ForbiddenConfigKey}
 * @param message what is wrong and what to do, for humans
 * @param blocking whether the spec is refused
 */
public record SpecProblem(String reason, String message, boolean blocking) {

    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String INVALID_NAME = "InvalidName";
    public static final String INVALID_REPLICAS = "InvalidReplicas";
    public static final String INVALID_STORAGE = "InvalidStorage";
    public static final String INVALID_LISTENER = "InvalidListener";
    public static final String INVALID_METRICS = "InvalidMetrics";
    public static final String INVALID_JVM_OPTIONS = "InvalidJvmOptions";
    public static final String FORBIDDEN_CONFIG_KEY = "ForbiddenConfigKey";
    public static final String INVALID_CONFIG_VALUE = "InvalidConfigValue";
    public static final String UNSAFE_REPLICATION_FACTOR = "UnsafeReplicationFactor";
    public static final String UNSAFE_MIN_INSYNC_REPLICAS = "UnsafeMinInsyncReplicas";

    public SpecProblem {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    public static SpecProblem refuse(String reason, String message) {
        return new SpecProblem(reason, message, true);
    }

    public static SpecProblem warn(String reason, String message) {
        return new SpecProblem(reason, message, false);
    }
}
