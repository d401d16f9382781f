package dev.kelpie.broker.server;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.group.ConsumerGroupDescribeHandler;
import dev.kelpie.broker.group.ConsumerGroupHeartbeatHandler;
import dev.kelpie.broker.group.DeleteGroupsHandler;
import dev.kelpie.broker.group.DescribeGroupsHandler;
import dev.kelpie.broker.group.FindCoordinatorHandler;
import dev.kelpie.broker.group.GroupCoordinator;
import dev.kelpie.broker.group.HeartbeatHandler;
import dev.kelpie.broker.group.JoinGroupHandler;
import dev.kelpie.broker.group.LeaveGroupHandler;
import dev.kelpie.broker.group.ListGroupsHandler;
import dev.kelpie.broker.group.OffsetCommitHandler;
import dev.kelpie.broker.group.OffsetDeleteHandler;
import dev.kelpie.broker.group.OffsetFetchHandler;
import dev.kelpie.broker.group.SyncGroupHandler;
import dev.kelpie.broker.log.LogJournal;
import dev.kelpie.broker.log.LogManager;
import dev.kelpie.broker.metadata.BrokerRegistration;
import dev.kelpie.broker.metadata.Controller;
import dev.kelpie.broker.metadata.ControllerSettings;
import dev.kelpie.broker.metadata.LocalMetadataLog;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metrics.BrokerMetrics;
import dev.kelpie.broker.metrics.MetricsHttpServer;
import dev.kelpie.broker.network.NetworkConfig;
import dev.kelpie.broker.network.NetworkServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one broker: metadata log and controller, partition logs, request handlers and the
 * network listener, started and stopped in the right order.
 *
 * <pre>
 * BrokerServer broker = new BrokerServer(config, clusterId, Clock.SYSTEM);
 * broker.start();               // recovers, replays, binds; returns once listening and registered
 * int port = broker.boundPort();
 * ...
 * broker.close();               // graceful: stop accepting, finish in-flight, flush, checkpoint
 * </pre>
 *
 * <p><b>start()</b>, in order: (0) start the metrics HTTP port ({@code kelpie.metrics.port}, unless 0), so
 * {@code /healthz} answers during recovery and {@code /readyz} says what start-up is waiting for; (1) open the
 * metadata log ({@code <first log dir>/kelpie-metadata/}, see
 * {@link LocalMetadataLog}), replay it into the image, compacting it when it has grown much larger than the
 * image; (2) load and recover every partition log and reconcile them with the image (stray logs deleted,
 * missing ones created); (2b) load the group coordinator's shards by replaying the {@code __consumer_offsets}
 * partitions this broker leads; (3) start the controller; (4) bind the listener ({@code listeners}; port 0 picks a
 * free port); (5) register this broker with its advertised endpoint ({@code advertised.listeners}; port 0
 * means the bound port); (6) let requests through: requests that arrive between (4) and (6) wait. It
 * returns when the broker serves, and {@code /readyz} answers 200 from then on. A failure closes what was
 * started and rethrows. Metrics ({@link #metrics()}) exist from construction, whether or not they are served.
 *
 * <p><b>close()</b>, in order: {@code /readyz} turns 503; the group coordinator unloads (held
 * JoinGroup/SyncGroup answers get NOT_COORDINATOR, so no request waits for a rebalance); long-polling fetches
 * are answered at once (so draining does not wait for their {@code max.wait.ms}); the listener stops accepting
 * and drains (requests already read are answered); the controller finishes queued operations; partition
 * threads finish queued work; every log is flushed, checkpointed and closed; the metadata log is closed; the
 * metrics port closes last. Idempotent.
 *
 * <p>The cluster id comes from the caller (start-up reads or writes it in {@code meta.properties}).
 *
 * <p>Thread-safety: {@code start} and {@code close} are synchronized, for the thread that owns the broker's
 * lifecycle; the getters are safe from any thread once started.
 */
public final class BrokerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);
    /** The metadata log's directory under the first log dir; not a {@code <topic>-<partition>} name. */
    public static final String METADATA_DIR = "kelpie-metadata";
    /** Compact the metadata log at start when it holds this many more records than the image needs. */
    static final long METADATA_COMPACTION_SLACK_RECORDS = 10_000;

    private final BrokerConfig config;
    private final String clusterId;
    private final Clock clock;
    private final LogManager.Settings logSettings;
    private final BrokerMetrics metrics;
    private volatile MetricsHttpServer metricsHttp;
    private LocalMetadataLog metadataLog;
    private PartitionManager partitions;
    private Controller controller;
    private MetadataCache cache;
    private GroupCoordinator groups;
    private RequestDispatcher dispatcher;
    private NetworkServer network;
    private volatile int boundPort = -1;
    private volatile boolean ready;
    private boolean started;
    private boolean closed;

    public BrokerServer(BrokerConfig config, String clusterId, Clock clock) {
        this(config, clusterId, clock, logSettings(config));
    }

    /** Kafka's log-manager defaults, with {@code producer.id.expiration.ms} and the journal from the broker config. */
    public static LogManager.Settings logSettings(BrokerConfig config) {
        LogManager.Settings d = LogManager.Settings.defaults();
        return new LogManager.Settings(d.flushThreads(), d.recoveryThreads(), d.retentionCheckIntervalMs(),
                d.flushCheckIntervalMs(), d.checkpointIntervalMs(), d.cleaner(), config.producerIdExpirationMs(),
                journalSettings(config));
    }

    private static LogJournal.Settings journalSettings(BrokerConfig config) {
        LogJournal.Settings d = LogJournal.Settings.defaults();
        return new LogJournal.Settings(config.logJournalEnable(), config.logJournalFileBytes(),
                config.logJournalBytesMax(), d.sealedFlushDelayMs(), d.pendingBytesMax(), config.logJournalGatherUsMax());
    }

    /** As above, with the log manager's tunables (retention check interval, flusher threads, ...). */
    public BrokerServer(BrokerConfig config, String clusterId, Clock clock, LogManager.Settings logSettings) {
        this.config = Objects.requireNonNull(config, "config");
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.logSettings = Objects.requireNonNull(logSettings, "logSettings");
        this.metrics = new BrokerMetrics(config.nodeId(), clusterId);
    }

    /** Starts the broker; see the class comment. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("BrokerServer already " + (closed ? "closed" : "started"));
        }
        started = true;
        try {
            if (config.metricsPort() > 0) {
                metricsHttp = MetricsHttpServer.start(config.listenerHost(), config.metricsPort(), metrics);
            }
            MetadataImage image = openMetadata();
            partitions = new PartitionManager(config, clock, logSettings);
            metrics.bindLogs(partitions.logManager().environment().metrics(), config.logDirs());
            partitions.startup(image);
            metrics.readiness().storageRecovered();
            cache = new MetadataCache(image);
            groups = new GroupCoordinator(config.groupCoordinator(), config.nodeId(), clock, partitions, cache,
                    (name, count, factor, configs) -> controller.createTopics(List.of(new Controller.NewTopic(name,
                            count, factor, Map.of(), configs)), false).thenApply(results -> results.get(0).error()));
            groups.startup(image);
            metrics.bindGroups(groups::snapshot, config.metricsPartitionSeriesMax());
            controller = new Controller(new ControllerSettings(config.nodeId(), config.numPartitions(),
                    config.defaultReplicationFactor(), config.logDefaults(),
                    ControllerSettings.RECORDS_PER_OPERATION_MAX), metadataLog, image,
                    (previous, next) -> partitions.publish(previous, next)
                            .thenCompose(v -> groups.onMetadataUpdate(previous, next))
                            .whenComplete((v, e) -> cache.update(next)));
            RequestDispatcher table = RequestDispatcher.advertising(handlers());
            dispatcher = table.withMetrics(metrics.bindRequests(table.handlers().keySet()), clock);
            network = new NetworkServer(NetworkConfig.from(config), dispatcher, dispatcher.versions(), clock);
            network.start();
            boundPort = network.port();
            metrics.readiness().listenerBound();
            bindMetrics();
            int advertisedPort = config.advertisedPort() == 0 ? boundPort : config.advertisedPort();
            controller.registerBroker(new BrokerRegistration(config.nodeId(), config.advertisedHost(), advertisedPort,
                    null)).join();
            dispatcher.markReady();
            ready = true;
            metrics.readiness().metadataReady();
            LOG.info("Kelpie broker {} of cluster {} serving on {}:{} (advertised {}:{}), {} topics", config.nodeId(),
                    clusterId, config.listenerHost(), boundPort, config.advertisedHost(), advertisedPort,
                    cache.image().topics().size());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void bindMetrics() {
        metrics.bindNetwork(network);
        Purgatory purgatory = partitions.purgatory();
        metrics.bindPurgatory("fetch", purgatory::delayedOperations);
        metrics.bindCluster(new BrokerStateSource(config.nodeId(), cache, partitions),
                config.metricsPartitionSeriesMax());
    }

    private MetadataImage openMetadata() {
        Path dir = config.logDirs().get(0).resolve(METADATA_DIR);
        metadataLog = LocalMetadataLog.open(dir, clock);
        MetadataImage image = MetadataImage.replay(clusterId, metadataLog.readAll());
        List<dev.kelpie.broker.metadata.MetadataRecord> snapshot = image.toRecords();
        if (metadataLog.size() > snapshot.size() + METADATA_COMPACTION_SLACK_RECORDS) {
            LOG.info("Compacting the metadata log from {} to {} records", metadataLog.size(), snapshot.size());
            metadataLog.rewrite(snapshot);
            image = MetadataImage.replay(clusterId, metadataLog.readAll());
        }
        return image;
    }

    private List<ApiHandler<?>> handlers() {
        ConfigDescriber describer = new ConfigDescriber(config);
        ProducerIdManager producerIds = new ProducerIdManager(controller, config.nodeId());
        int nodeId = config.nodeId();
        return List.of(
                new MetadataHandler(cache, controller, nodeId, config.autoCreateTopics()),
                new ProduceHandler(cache, partitions, metrics.topics()),
                new FetchHandler(cache, partitions, metrics.topics()),
                new ListOffsetsHandler(cache, partitions),
                new InitProducerIdHandler(producerIds, cache),
                new CreateTopicsHandler(controller, describer),
                new DeleteTopicsHandler(controller),
                new CreatePartitionsHandler(controller),
                new DescribeConfigsHandler(cache, describer, nodeId),
                new IncrementalAlterConfigsHandler(controller),
                new AlterConfigsHandler(controller),
                new DescribeClusterHandler(cache, nodeId),
                new DescribeTopicPartitionsHandler(cache),
                new DeleteRecordsHandler(cache, partitions),
                new OffsetForLeaderEpochHandler(cache, partitions),
                new FindCoordinatorHandler(groups),
                new JoinGroupHandler(groups),
                new SyncGroupHandler(groups),
                new HeartbeatHandler(groups),
                new LeaveGroupHandler(groups),
                new OffsetCommitHandler(groups, cache),
                new OffsetFetchHandler(groups, cache),
                new ListGroupsHandler(groups),
                new DescribeGroupsHandler(groups),
                new DeleteGroupsHandler(groups),
                new OffsetDeleteHandler(groups, cache),
                new ConsumerGroupHeartbeatHandler(groups),
                new ConsumerGroupDescribeHandler(groups));
    }

    /** The listener's port: the configured one, or the one picked for port 0. */
    public int boundPort() {
        if (boundPort < 0) {
            throw new IllegalStateException("BrokerServer not started");
        }
        return boundPort;
    }

    /** True once start() has returned and until close() begins. */
    public boolean isReady() {
        return ready;
    }

    /** The current metadata image (for tests and metrics). */
    public MetadataImage metadata() {
        return cache.image();
    }

    public PartitionManager partitionManager() {
        return partitions;
    }

    public NetworkServer network() {
        return network;
    }

    /** The group coordinator (consumer groups and committed offsets; metrics read its snapshots). */
    public GroupCoordinator groupCoordinator() {
        return groups;
    }

    /** The broker's metrics (served on {@code kelpie.metrics.port} unless it is 0), readiness included. */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The metrics HTTP port actually bound, or -1 when {@code kelpie.metrics.port} is 0 or not yet started. */
    public int metricsPort() {
        MetricsHttpServer http = metricsHttp;
        return http == null ? -1 : http.port();
    }

    /** Graceful shutdown; see the class comment. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        metrics.readiness().shuttingDown();
        if (groups != null) {
            // first: held JoinGroup/SyncGroup answers would otherwise keep the network draining
            groups.close();
        }
        if (partitions != null) {
            partitions.purgatory().close();
        }
        if (network != null) {
            network.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (partitions != null) {
            partitions.close();
        }
        if (metadataLog != null) {
            metadataLog.close();
        }
        if (metricsHttp != null) {
            metricsHttp.close();
        }
        metrics.close();
        LOG.info("Kelpie broker {} stopped", config.nodeId());
    }
}
