package dev.kelpie.operator.topic;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Admin client per Cluster, made on first use and kept: Topics of a Cluster share its connections.
 * A client is replaced when its Cluster's bootstrap address changes, and closed when the Cluster is gone
 * ({@link #release}) or the operator stops ({@link #close}).
 *
 * <p>Thread-safe: Topics of one Cluster reconcile in parallel. A client is made under the map's lock for
 * its Cluster; closing, which may wait for in-flight calls, happens outside it.
 */
public final class AdminClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminClients.class);

    private record Entry(String bootstrapServers, TopicAdmin admin) {
    }

    private final Function<String, Admin> factory;
    private final Duration callTimeout;
    private final Map<ResourceID, Entry> clients = new ConcurrentHashMap<>();

    /**
     * @param factory makes a client for a {@code bootstrap.servers} value
     * @param callTimeout how long each Admin call may take
     */
    public AdminClients(Function<String, Admin> factory, Duration callTimeout) {
        this.factory = factory;
        this.callTimeout = callTimeout;
    }

    /** Clients with {@link #clientProperties} for the given call timeout. */
    public static AdminClients withTimeout(Duration callTimeout) {
        return new AdminClients(bootstrap -> Admin.create(clientProperties(bootstrap, callTimeout)), callTimeout);
    }

    /** Every Admin timeout bounded by {@code callTimeout}, and quick reconnects to a restarting broker. */
    public static Properties clientProperties(String bootstrapServers, Duration callTimeout) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, callTimeout.toMillis());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "kelpie-operator");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(timeoutMs, 10_000));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1_000);
        return p;
    }

    /**
     * The client for a Cluster.
     *
     * @throws TopicAdminException {@link TopicAdminException#BROKER_UNREACHABLE} when no client can be made
     *     for the address (for instance, it does not resolve)
     */
    public TopicAdmin forCluster(ResourceID cluster, String bootstrapServers) {
        Entry[] replaced = new Entry[1];
        Entry entry = clients.compute(cluster, (id, existing) -> {
            if (existing != null && existing.bootstrapServers().equals(bootstrapServers)) {
                return existing;
            }
            replaced[0] = existing;
            return new Entry(bootstrapServers, new TopicAdmin(create(bootstrapServers), callTimeout));
        });
        if (replaced[0] != null) {
            closeQuietly(cluster, replaced[0]);
        }
        return entry.admin();
    }

    private Admin create(String bootstrapServers) {
        try {
            return factory.apply(bootstrapServers);
        } catch (KafkaException e) {
            throw new TopicAdminException(TopicAdminException.BROKER_UNREACHABLE, "Cannot make an Admin client for "
                    + bootstrapServers + ": " + e.getMessage(), true, e);
        }
    }

    /** Closes and forgets the client of a Cluster that is gone; nothing when there is none. */
    public void release(ResourceID cluster) {
        Entry entry = clients.remove(cluster);
        if (entry != null) {
            closeQuietly(cluster, entry);
        }
    }

    /** The Clusters that have a client now. */
    public Set<ResourceID> clusters() {
        return Set.copyOf(clients.keySet());
    }

    @Override
    public void close() {
        clients.keySet().forEach(this::release);
    }

    private static void closeQuietly(ResourceID cluster, Entry entry) {
        try {
            entry.admin().close();
        } catch (KafkaException e) {
            // Closing is best effort: the client's threads end either way.
            LOG.warn("Closing the Admin client of Cluster {} failed: {}", cluster, e.getMessage());
        }
        LOG.info("Closed the Admin client of Cluster {} ({})", cluster, entry.bootstrapServers());
    }
}
