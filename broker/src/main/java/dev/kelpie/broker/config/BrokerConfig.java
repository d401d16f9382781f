package dev.kelpie.broker.config;

import dev.kelpie.broker.group.GroupCoordinatorConfig;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.log.LogJournal;
import java.nio.file.Path;
import java.util.List;

/**
 * The broker's validated settings, under Kafka's property names where Kafka has one.
 * Sources, later ones winning: built-in defaults (the embedded single node), a properties file,
 * {@code KELPIE_*} environment variables, {@code --override key=value}. A bad value fails start-up with a
 * message naming the key.
 *
 * @param nodeId {@code node.id}
 * @param listenerHost host of {@code listeners} (bind address)
 * @param listenerPort port of {@code listeners}
 * @param advertisedHost host of {@code advertised.listeners}: what clients are told to connect to
 * @param advertisedPort port of {@code advertised.listeners}
 * @param logDirs {@code log.dirs}
 * @param metricsPort {@code kelpie.metrics.port}: HTTP /metrics, /healthz, /readyz (0 = off)
 * @param numPartitions {@code num.partitions}, default for created topics
 * @param defaultReplicationFactor {@code default.replication.factor}
 * @param autoCreateTopics {@code auto.create.topics.enable}
 * @param logDefaults broker-level topic defaults ({@code log.retention.ms}, {@code log.segment.bytes}, ...)
 * @param socketRequestBytesMax {@code socket.request.max.bytes}
 * @param connectionsIdleMsMax {@code connections.max.idle.ms}
 * @param requestReadTimeoutMs {@code kelpie.request.read.timeout.ms}: a frame whose bytes stop arriving is cut
 * @param connectionsMax {@code max.connections}
 * @param connectionsPerIpMax {@code max.connections.per.ip}
 * @param inFlightRequestsPerConnectionMax responses pending per connection before reads pause
 * @param ioThreads partition executor threads (0 = number of cores)
 * @param producerIdExpirationMs {@code producer.id.expiration.ms}
 * @param groupCoordinator the group coordinator's settings ({@code group.*}, {@code offsets.*})
 * @param metricsPartitionSeriesMax {@code kelpie.metrics.partition.series.max}: above this many partitions on the
 *     broker, per-partition metric series are not exported (per-topic ones still are)
 * @param socketSendBufferBytes {@code socket.send.buffer.bytes}: SO_SNDBUF of client connections,
 *     {@value #SOCKET_BUFFER_OS_DEFAULT} = the OS default (autotuned)
 * @param socketReceiveBufferBytes {@code socket.receive.buffer.bytes}: SO_RCVBUF of client connections,
 *     {@value #SOCKET_BUFFER_OS_DEFAULT} = the OS default (autotuned)
 * @param logJournalEnable {@code kelpie.log.journal.enable}: logs under {@code flush.policy=sync} make appends
 *     durable through one journal per log dir, one fsync for every partition of a pass, rather than one fsync of
 *     each partition's segment (default on: docs/decisions/sync-journal.md)
 * @param logJournalBytesMax {@code kelpie.log.journal.bytes.max}: the journal's sealed files beyond this have
 *     their partitions' segments fsynced at once so the files can be reused; up to this much (and one file more,
 *     at most a tenth of the log dir's file system) the segments wait for the kernel's own write-back
 * @param logJournalFileBytes {@code kelpie.log.journal.file.bytes}: a journal file is sealed once it holds this
 *     much
 * @param logJournalGatherUsMax {@code kelpie.log.journal.gather.max.us}: how long the journal's next pass may wait
 *     for the appends already handed to partition threads (the rest of a produce request's partitions); 0 = none
 */
public record BrokerConfig(
        int nodeId,
        String listenerHost,
        int listenerPort,
        String advertisedHost,
        int advertisedPort,
        List<Path> logDirs,
        int metricsPort,
        int numPartitions,
        short defaultReplicationFactor,
        boolean autoCreateTopics,
        LogConfig logDefaults,
        int socketRequestBytesMax,
        long connectionsIdleMsMax,
        long requestReadTimeoutMs,
        int connectionsMax,
        int connectionsPerIpMax,
        int inFlightRequestsPerConnectionMax,
        int ioThreads,
        long producerIdExpirationMs,
        GroupCoordinatorConfig groupCoordinator,
        int metricsPartitionSeriesMax,
        int socketSendBufferBytes,
        int socketReceiveBufferBytes,
        boolean logJournalEnable,
        long logJournalBytesMax,
        long logJournalFileBytes,
        long logJournalGatherUsMax) {

    /** Default of {@code kelpie.metrics.partition.series.max}. */
    public static final int DEFAULT_METRICS_PARTITION_SERIES_MAX = 1000;
    /** A socket buffer size meaning: leave it to the OS. */
    public static final int SOCKET_BUFFER_OS_DEFAULT = -1;
    /**
     * Default {@code socket.send.buffer.bytes}: Kafka's 100 KiB. Why not the OS default: on loopback, an autotuned
     * send buffer of megabytes lets a fetch response queue up in the kernel, so the consumer's own thread ends up
     * doing the transmit work as it acknowledges, and consume throughput falls (bench/RESULTS.md).
     */
    public static final int DEFAULT_SOCKET_SEND_BUFFER_BYTES = 102_400;
    /**
     * Default {@code socket.receive.buffer.bytes}: the OS default, unlike Kafka's 100 KiB. Why: a 100 KiB receive
     * buffer cost acks=all produce about 10% of its throughput in alternating runs (bench/RESULTS.md); an
     * autotuned one lets a producer hand over a whole request per read.
     */
    public static final int DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES = SOCKET_BUFFER_OS_DEFAULT;
    private static final LogJournal.Settings JOURNAL_DEFAULTS = LogJournal.Settings.defaults();

    /** All settings but the group coordinator's, the metrics series cap and socket buffers: those take defaults. */
    public BrokerConfig(int nodeId, String listenerHost, int listenerPort, String advertisedHost, int advertisedPort,
            List<Path> logDirs, int metricsPort, int numPartitions, short defaultReplicationFactor,
            boolean autoCreateTopics, LogConfig logDefaults, int socketRequestBytesMax, long connectionsIdleMsMax,
            long requestReadTimeoutMs, int connectionsMax, int connectionsPerIpMax,
            int inFlightRequestsPerConnectionMax, int ioThreads, long producerIdExpirationMs) {
        this(nodeId, listenerHost, listenerPort, advertisedHost, advertisedPort, logDirs, metricsPort, numPartitions,
                defaultReplicationFactor, autoCreateTopics, logDefaults, socketRequestBytesMax, connectionsIdleMsMax,
                requestReadTimeoutMs, connectionsMax, connectionsPerIpMax, inFlightRequestsPerConnectionMax, ioThreads,
                producerIdExpirationMs, GroupCoordinatorConfig.defaults(), DEFAULT_METRICS_PARTITION_SERIES_MAX,
                DEFAULT_SOCKET_SEND_BUFFER_BYTES, DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES,
                JOURNAL_DEFAULTS.enabled(), JOURNAL_DEFAULTS.bytesMax(), JOURNAL_DEFAULTS.fileBytesMax(),
                JOURNAL_DEFAULTS.gatherUsMax());
    }

    /** A copy with other group coordinator settings. */
    public BrokerConfig withGroupCoordinator(GroupCoordinatorConfig groups) {
        return new BrokerConfig(nodeId, listenerHost, listenerPort, advertisedHost, advertisedPort, logDirs,
                metricsPort, numPartitions, defaultReplicationFactor, autoCreateTopics, logDefaults,
                socketRequestBytesMax, connectionsIdleMsMax, requestReadTimeoutMs, connectionsMax, connectionsPerIpMax,
                inFlightRequestsPerConnectionMax, ioThreads, producerIdExpirationMs, groups, metricsPartitionSeriesMax,
                socketSendBufferBytes, socketReceiveBufferBytes, logJournalEnable, logJournalBytesMax,
                logJournalFileBytes, logJournalGatherUsMax);
    }

    /** A copy with another {@code kelpie.metrics.port} (0 = off). */
    public BrokerConfig withMetricsPort(int port) {
        return new BrokerConfig(nodeId, listenerHost, listenerPort, advertisedHost, advertisedPort, logDirs, port,
                numPartitions, defaultReplicationFactor, autoCreateTopics, logDefaults, socketRequestBytesMax,
                connectionsIdleMsMax, requestReadTimeoutMs, connectionsMax, connectionsPerIpMax,
                inFlightRequestsPerConnectionMax, ioThreads, producerIdExpirationMs, groupCoordinator,
                metricsPartitionSeriesMax, socketSendBufferBytes, socketReceiveBufferBytes, logJournalEnable,
                logJournalBytesMax, logJournalFileBytes, logJournalGatherUsMax);
    }

    /** A copy with another {@code kelpie.metrics.partition.series.max}. */
    public BrokerConfig withMetricsPartitionSeriesMax(int seriesMax) {
        return new BrokerConfig(nodeId, listenerHost, listenerPort, advertisedHost, advertisedPort, logDirs,
                metricsPort, numPartitions, defaultReplicationFactor, autoCreateTopics, logDefaults,
                socketRequestBytesMax, connectionsIdleMsMax, requestReadTimeoutMs, connectionsMax, connectionsPerIpMax,
                inFlightRequestsPerConnectionMax, ioThreads, producerIdExpirationMs, groupCoordinator, seriesMax,
                socketSendBufferBytes, socketReceiveBufferBytes, logJournalEnable, logJournalBytesMax,
                logJournalFileBytes, logJournalGatherUsMax);
    }

    /** The embedded default: one combined node on localhost:9092, data under ./data. */
    public static BrokerConfig embeddedDefault() {
        return new BrokerConfig(1, "localhost", 9092, "localhost", 9092, List.of(Path.of("data")), 9404, 1,
                (short) 1, true, LogConfig.defaults(), 100 * 1024 * 1024, 600_000, 30_000, Integer.MAX_VALUE,
                Integer.MAX_VALUE, 100, 0, 86_400_000);
    }
}
