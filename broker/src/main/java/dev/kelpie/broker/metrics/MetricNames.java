package dev.kelpie.broker.metrics;

import java.util.List;

/**
 * Every meter the broker registers itself, under its Micrometer name; Prometheus sees dots as underscores plus
 * the unit and type suffixes noted on each constant. {@code docs/metrics.md} describes them. JVM and process
 * meters come from Micrometer's binders ({@code jvm_*}, {@code process_*}, {@code system_*}).
 *
 * <p>Constants only; safe from any thread.
 */
public final class MetricNames {
    // broker and cluster
    /** {@code kelpie_broker_info{node_id,cluster_id,version}}: always 1. */
    public static final String BROKER_INFO = "kelpie.broker.info";
    /** {@code kelpie_cluster_brokers}: brokers registered in the metadata image. */
    public static final String CLUSTER_BROKERS = "kelpie.cluster.brokers";
    /** {@code kelpie_controller_active}: 1 on the active controller. */
    public static final String CONTROLLER_ACTIVE = "kelpie.controller.active";

    // partitions
    /** {@code kelpie_partitions}: partitions with a replica on this broker. */
    public static final String PARTITIONS = "kelpie.partitions";
    /** {@code kelpie_leader_partitions}: partitions this broker leads. */
    public static final String LEADER_PARTITIONS = "kelpie.leader.partitions";
    /** {@code kelpie_under_replicated_partitions}: led partitions whose ISR is smaller than their replica set. */
    public static final String UNDER_REPLICATED_PARTITIONS = "kelpie.under.replicated.partitions";
    /** {@code kelpie_under_min_isr_partitions}: led partitions whose ISR is below {@code min.insync.replicas}. */
    public static final String UNDER_MIN_ISR_PARTITIONS = "kelpie.under.min.isr.partitions";
    /** {@code kelpie_offline_partitions{cause}}: unavailable partitions by cause. */
    public static final String OFFLINE_PARTITIONS = "kelpie.offline.partitions";
    /** {@code kelpie_topic_partitions{topic}}: partitions of each topic (cluster-wide). */
    public static final String TOPIC_PARTITIONS = "kelpie.topic.partitions";
    /** {@code kelpie_topic_log_size_bytes{topic}}: bytes of the topic's logs on this broker. */
    public static final String TOPIC_LOG_SIZE = "kelpie.topic.log.size";
    /** {@code kelpie_log_size_bytes{topic,partition}}: per-partition series, see {@code partition.series.max}. */
    public static final String LOG_SIZE = "kelpie.log.size";
    /** {@code kelpie_log_start_offset{topic,partition}}. */
    public static final String LOG_START_OFFSET = "kelpie.log.start.offset";
    /** {@code kelpie_log_end_offset{topic,partition}}. */
    public static final String LOG_END_OFFSET = "kelpie.log.end.offset";
    /** {@code kelpie_metrics_partition_series_enabled}: 0 when per-partition series are switched off. */
    public static final String PARTITION_SERIES_ENABLED = "kelpie.metrics.partition.series.enabled";

    // traffic
    /** {@code kelpie_topic_in_bytes_total{topic}}: record batch bytes appended by producers. */
    public static final String TOPIC_IN = "kelpie.topic.in";
    /** {@code kelpie_topic_in_messages_total{topic}}: records appended by producers. */
    public static final String TOPIC_IN_MESSAGES = "kelpie.topic.in.messages";
    /** {@code kelpie_topic_out_bytes_total{topic}}: record bytes sent in Fetch responses. */
    public static final String TOPIC_OUT = "kelpie.topic.out";

    // requests
    /** {@code kelpie_request_duration_seconds{api}}: histogram, from the whole frame read to the response ready. */
    public static final String REQUEST_DURATION = "kelpie.request.duration";
    /** {@code kelpie_requests_failed_total{api}}: requests answered with at least one error code. */
    public static final String REQUESTS_FAILED = "kelpie.requests.failed";
    /** {@code kelpie_request_errors_total{api,error}}: error codes in responses, by Kafka error name. */
    public static final String REQUEST_ERRORS = "kelpie.request.errors";
    /** {@code kelpie_purgatory_delayed_operations{operation}}: requests waiting in a purgatory. */
    public static final String PURGATORY_DELAYED = "kelpie.purgatory.delayed.operations";

    // network, label listener
    /** {@code kelpie_network_connections{listener}}. */
    public static final String CONNECTIONS = "kelpie.network.connections";
    /**
     * {@code kelpie_network_connections_opened_total{listener}}: connections accepted. Not {@code created}: the
     * Prometheus client reserves that suffix and would fold the name into {@code kelpie_network_connections}.
     */
    public static final String CONNECTIONS_OPENED = "kelpie.network.connections.opened";
    /** {@code kelpie_network_connections_closed_total{listener}}. */
    public static final String CONNECTIONS_CLOSED = "kelpie.network.connections.closed";
    /** {@code kelpie_network_connections_refused_total{listener}}: over max.connections(.per.ip). */
    public static final String CONNECTIONS_REFUSED = "kelpie.network.connections.refused";
    /** {@code kelpie_network_connections_read_paused{listener}}: connections under back-pressure. */
    public static final String CONNECTIONS_READ_PAUSED = "kelpie.network.connections.read.paused";
    /** {@code kelpie_network_requests_waiting{listener}}: requests read, held back by back-pressure. */
    public static final String REQUESTS_WAITING = "kelpie.network.requests.waiting";
    /** {@code kelpie_network_requests_in_flight{listener}}: requests being handled or answered, not yet sent. */
    public static final String REQUESTS_IN_FLIGHT = "kelpie.network.requests.in.flight";
    /** {@code kelpie_network_response_queue_bytes{listener}}: response bytes queued for sockets. */
    public static final String RESPONSE_QUEUE = "kelpie.network.response.queue";

    // log engine
    /** {@code kelpie_log_fsync_duration_seconds}: histogram of segment fsyncs (group commit, flush, roll). */
    public static final String LOG_FSYNC_DURATION = "kelpie.log.fsync.duration";
    /** {@code kelpie_log_recovery_truncated_bytes_total}: bytes cut off torn or corrupt tails at recovery. */
    public static final String LOG_RECOVERY_TRUNCATED = "kelpie.log.recovery.truncated";
    /** {@code kelpie_logs_taken_offline_total}: logs taken offline by an I/O error or corruption. */
    public static final String LOGS_TAKEN_OFFLINE = "kelpie.logs.taken.offline";
    /** {@code kelpie_log_cleaner_read_bytes_total}. */
    public static final String LOG_CLEANER_READ = "kelpie.log.cleaner.read";
    /** {@code kelpie_log_cleaner_written_bytes_total}. */
    public static final String LOG_CLEANER_WRITTEN = "kelpie.log.cleaner.written";
    /** {@code kelpie_log_segments_deleted_total}: by retention, DeleteRecords and compaction. */
    public static final String LOG_SEGMENTS_DELETED = "kelpie.log.segments.deleted";
    /** {@code kelpie_log_dir_usable_bytes{dir}}: space left for the broker on the file system of a log dir. */
    public static final String LOG_DIR_USABLE = "kelpie.log.dir.usable";
    /** {@code kelpie_log_dir_total_bytes{dir}}. */
    public static final String LOG_DIR_TOTAL = "kelpie.log.dir.total";

    // consumer groups (registered once a GroupStateSource is bound)
    /** {@code kelpie_group_members{group}}. */
    public static final String GROUP_MEMBERS = "kelpie.group.members";
    /** {@code kelpie_group_state{group,type,state}}: 1 for the group's current state. */
    public static final String GROUP_STATE = "kelpie.group.state";
    /** {@code kelpie_group_topic_lag{group,topic}}: summed over the group's partitions of the topic. */
    public static final String GROUP_TOPIC_LAG = "kelpie.group.topic.lag";
    /** {@code kelpie_group_lag{group,topic,partition}}: high watermark minus committed offset. */
    public static final String GROUP_LAG = "kelpie.group.lag";
    /** {@code kelpie_group_committed_offset{group,topic,partition}}. */
    public static final String GROUP_COMMITTED_OFFSET = "kelpie.group.committed.offset";

    /** Every name above. */
    public static final List<String> ALL = List.of(BROKER_INFO, CLUSTER_BROKERS, CONTROLLER_ACTIVE, PARTITIONS,
            LEADER_PARTITIONS, UNDER_REPLICATED_PARTITIONS, UNDER_MIN_ISR_PARTITIONS, OFFLINE_PARTITIONS,
            TOPIC_PARTITIONS, TOPIC_LOG_SIZE, LOG_SIZE, LOG_START_OFFSET, LOG_END_OFFSET, PARTITION_SERIES_ENABLED,
            TOPIC_IN, TOPIC_IN_MESSAGES, TOPIC_OUT, REQUEST_DURATION, REQUESTS_FAILED, REQUEST_ERRORS,
            PURGATORY_DELAYED, CONNECTIONS, CONNECTIONS_OPENED, CONNECTIONS_CLOSED, CONNECTIONS_REFUSED,
            CONNECTIONS_READ_PAUSED, REQUESTS_WAITING, REQUESTS_IN_FLIGHT, RESPONSE_QUEUE, LOG_FSYNC_DURATION,
            LOG_RECOVERY_TRUNCATED, LOGS_TAKEN_OFFLINE, LOG_CLEANER_READ, LOG_CLEANER_WRITTEN, LOG_SEGMENTS_DELETED,
            LOG_DIR_USABLE, LOG_DIR_TOTAL, GROUP_MEMBERS, GROUP_STATE, GROUP_TOPIC_LAG, GROUP_LAG,
            GROUP_COMMITTED_OFFSET);

    private MetricNames() {
    }
}
