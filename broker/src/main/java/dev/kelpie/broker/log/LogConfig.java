package dev.kelpie.broker.log;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Per-topic log settings under Kafka's topic config names, with Kafka 4.4's defaults, plus Kelpie's
 * {@code flush.policy}.
 *
 * <p>{@code flush.policy=sync} (the default) acknowledges an append only after its bytes are fsynced,
 * with group commit; {@code flush.policy=interval} is Kafka's own behaviour, driven by
 * {@code flush.messages} and {@code flush.ms}.
 *
 * <p>Immutable; validated on construction. A bad value throws {@link InvalidConfigurationException}
 * naming the key.
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int segmentIndexBytes,
        int indexIntervalBytes,
        long retentionMs,
        long retentionBytes,
        int maxMessageBytes,
        boolean cleanupDelete,
        boolean cleanupCompact,
        long deleteRetentionMs,
        long minCompactionLagMs,
        double minCleanableDirtyRatio,
        boolean logAppendTime,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs,
        String compressionType,
        int minInsyncReplicas,
        FlushPolicy flushPolicy,
        long flushMessages,
        long flushMs,
        long fileDeleteDelayMs) {

    /** How appends become durable. */
    public enum FlushPolicy { SYNC, INTERVAL }

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String FLUSH_POLICY = "flush.policy";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";

    private static final Set<String> COMPRESSION_TYPES = Set.of("producer", "uncompressed", "none", "gzip",
            "snappy", "lz4", "zstd");
    /** Smallest segment that holds a record batch header with room to spare. */
    private static final int SEGMENT_BYTES_MIN = 1024;

    public LogConfig {
        requireAtLeast(SEGMENT_BYTES, segmentBytes, SEGMENT_BYTES_MIN);
        requireAtLeast(SEGMENT_MS, segmentMs, 1);
        requireAtLeast(SEGMENT_INDEX_BYTES, segmentIndexBytes, 4096);
        requireAtLeast(INDEX_INTERVAL_BYTES, indexIntervalBytes, 0);
        requireAtLeast(RETENTION_MS, retentionMs, -1);
        requireAtLeast(RETENTION_BYTES, retentionBytes, -1);
        requireAtLeast(MAX_MESSAGE_BYTES, maxMessageBytes, 0);
        requireAtLeast(DELETE_RETENTION_MS, deleteRetentionMs, 0);
        requireAtLeast(MIN_COMPACTION_LAG_MS, minCompactionLagMs, 0);
        if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
            throw invalid(MIN_CLEANABLE_DIRTY_RATIO, String.valueOf(minCleanableDirtyRatio), "must be in [0, 1]");
        }
        if (!cleanupDelete && !cleanupCompact) {
            throw invalid(CLEANUP_POLICY, "", "must name delete, compact or both");
        }
        requireAtLeast(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, timestampBeforeMaxMs, 0);
        requireAtLeast(MESSAGE_TIMESTAMP_AFTER_MAX_MS, timestampAfterMaxMs, 0);
        if (!COMPRESSION_TYPES.contains(compressionType)) {
            throw invalid(COMPRESSION_TYPE, compressionType, "must be one of " + COMPRESSION_TYPES);
        }
        requireAtLeast(MIN_INSYNC_REPLICAS, minInsyncReplicas, 1);
        requireAtLeast(FLUSH_MESSAGES, flushMessages, 1);
        requireAtLeast(FLUSH_MS, flushMs, 0);
        requireAtLeast(FILE_DELETE_DELAY_MS, fileDeleteDelayMs, 0);
    }

    /** The least {@link #inflatedBatchBytesMax()} is: 64 MiB. */
    public static final int INFLATED_BATCH_BYTES_FLOOR = 64 * 1024 * 1024;

    /**
     * The most bytes one record batch may hold once decompressed (the sum of its records' sizes, each record
     * included): {@code max.message.bytes} or {@link #INFLATED_BATCH_BYTES_FLOOR}, whichever is larger. Bounds
     * the memory and CPU a small compressed batch can demand when it is validated or recompressed (a
     * decompression bomb); a batch beyond it is MESSAGE_TOO_LARGE. Kelpie's own bound, not a Kafka topic config.
     */
    public int inflatedBatchBytesMax() {
        return Math.max(maxMessageBytes, INFLATED_BATCH_BYTES_FLOOR);
    }

    /** Kafka 4.4's topic defaults, with {@code flush.policy=sync}. */
    public static LogConfig defaults() {
        return new LogConfig(1024 * 1024 * 1024, 7L * 24 * 60 * 60 * 1000, 10 * 1024 * 1024, 4096,
                7L * 24 * 60 * 60 * 1000, -1, 1024 * 1024 + 12, true, false, 24L * 60 * 60 * 1000, 0, 0.5,
                false, Long.MAX_VALUE, 60L * 60 * 1000, "producer", 1, FlushPolicy.SYNC, Long.MAX_VALUE,
                Long.MAX_VALUE, 60_000);
    }

    /** The names this record understands, in a stable order. */
    public static Set<String> names() {
        return defaults().asStrings().keySet();
    }

    /** Returns a copy with the given topic-level overrides applied. Unknown keys are rejected by name. */
    public LogConfig withOverrides(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(asStrings());
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!merged.containsKey(e.getKey())) {
                throw new InvalidConfigurationException("Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw invalid(e.getKey(), "null", "a value is required");
            }
            merged.put(e.getKey(), e.getValue().trim());
        }
        return fromStrings(merged);
    }

    /** Every setting as Kafka would print it. */
    public Map<String, String> asStrings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(SEGMENT_MS, Long.toString(segmentMs));
        m.put(SEGMENT_INDEX_BYTES, Integer.toString(segmentIndexBytes));
        m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(CLEANUP_POLICY, cleanupPolicyString());
        m.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        m.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
        m.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(minCleanableDirtyRatio));
        m.put(MESSAGE_TIMESTAMP_TYPE, logAppendTime ? "LogAppendTime" : "CreateTime");
        m.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.toString(timestampBeforeMaxMs));
        m.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Long.toString(timestampAfterMaxMs));
        m.put(COMPRESSION_TYPE, compressionType);
        m.put(MIN_INSYNC_REPLICAS, Integer.toString(minInsyncReplicas));
        m.put(FLUSH_POLICY, flushPolicy.name().toLowerCase(Locale.ROOT));
        m.put(FLUSH_MESSAGES, Long.toString(flushMessages));
        m.put(FLUSH_MS, Long.toString(flushMs));
        m.put(FILE_DELETE_DELAY_MS, Long.toString(fileDeleteDelayMs));
        return m;
    }

    private String cleanupPolicyString() {
        if (cleanupCompact && cleanupDelete) {
            return "compact,delete";
        }
        return cleanupCompact ? "compact" : "delete";
    }

    private static LogConfig fromStrings(Map<String, String> m) {
        String policy = m.get(CLEANUP_POLICY).toLowerCase(Locale.ROOT);
        boolean delete = false;
        boolean compact = false;
        for (String part : policy.split(",")) {
            switch (part.trim()) {
                case "delete" -> delete = true;
                case "compact" -> compact = true;
                default -> throw invalid(CLEANUP_POLICY, policy, "must be delete, compact or compact,delete");
            }
        }
        return new LogConfig(intValue(m, SEGMENT_BYTES), longValue(m, SEGMENT_MS), intValue(m, SEGMENT_INDEX_BYTES),
                intValue(m, INDEX_INTERVAL_BYTES), longValue(m, RETENTION_MS), longValue(m, RETENTION_BYTES),
                intValue(m, MAX_MESSAGE_BYTES), delete, compact, longValue(m, DELETE_RETENTION_MS),
                longValue(m, MIN_COMPACTION_LAG_MS), doubleValue(m, MIN_CLEANABLE_DIRTY_RATIO),
                timestampType(m.get(MESSAGE_TIMESTAMP_TYPE)), longValue(m, MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                longValue(m, MESSAGE_TIMESTAMP_AFTER_MAX_MS), m.get(COMPRESSION_TYPE).toLowerCase(Locale.ROOT),
                intValue(m, MIN_INSYNC_REPLICAS), flushPolicy(m.get(FLUSH_POLICY)), longValue(m, FLUSH_MESSAGES),
                longValue(m, FLUSH_MS), longValue(m, FILE_DELETE_DELAY_MS));
    }

    private static boolean timestampType(String v) {
        if (v.equalsIgnoreCase("LogAppendTime")) {
            return true;
        }
        if (v.equalsIgnoreCase("CreateTime")) {
            return false;
        }
        throw invalid(MESSAGE_TIMESTAMP_TYPE, v, "must be CreateTime or LogAppendTime");
    }

    private static FlushPolicy flushPolicy(String v) {
        try {
            return FlushPolicy.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(FLUSH_POLICY, v, "must be sync or interval");
        }
    }

    private static int intValue(Map<String, String> m, String key) {
        try {
            return Integer.parseInt(m.get(key));
        } catch (NumberFormatException e) {
            throw invalid(key, m.get(key), "must be an int");
        }
    }

    private static long longValue(Map<String, String> m, String key) {
        try {
            return Long.parseLong(m.get(key));
        } catch (NumberFormatException e) {
            throw invalid(key, m.get(key), "must be a long");
        }
    }

    private static double doubleValue(Map<String, String> m, String key) {
        try {
            return Double.parseDouble(m.get(key));
        } catch (NumberFormatException e) {
            throw invalid(key, m.get(key), "must be a number");
        }
    }

    private static void requireAtLeast(String key, long value, long min) {
        if (value < min) {
            throw invalid(key, Long.toString(value), "must be at least " + min);
        }
    }

    private static InvalidConfigurationException invalid(String key, String value, String why) {
        return new InvalidConfigurationException("Invalid value " + value + " for configuration " + key + ": " + why);
    }
}
