package dev.kelpie.broker.config;

import static dev.kelpie.broker.config.BrokerConfigKeys.ADVERTISED_LISTENERS;
import static dev.kelpie.broker.config.BrokerConfigKeys.CONTROLLER_LISTENER_NAMES;
import static dev.kelpie.broker.config.BrokerConfigKeys.LISTENERS;
import static dev.kelpie.broker.config.BrokerConfigKeys.LISTENER_SECURITY_PROTOCOL_MAP;
import static dev.kelpie.broker.config.BrokerConfigKeys.LOG_DIR;
import static dev.kelpie.broker.config.BrokerConfigKeys.LOG_DIRS;
import static dev.kelpie.broker.config.BrokerConfigKeys.PROCESS_ROLES;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns merged string settings into a {@link BrokerConfig}: every key read here is validated here, with the
 * embedded default for every key that is absent.
 *
 * <p>Stateless; safe from any thread.
 */
final class BrokerConfigParser {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfigParser.class);
    private static final Set<String> ROLES = Set.of("broker", "controller");
    private static final Map<String, String> DEFAULT_PROTOCOLS = Map.of("PLAINTEXT", "PLAINTEXT", "SSL", "SSL",
            "SASL_PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SASL_SSL");

    private BrokerConfigParser() {
    }

    static BrokerConfig parse(ConfigValues v) {
        BrokerConfig d = BrokerConfig.embeddedDefault();
        checkProcessRoles(v);
        Listener bind = clientListener(v, d);
        Listener advertised = advertisedListener(v, bind);
        return new BrokerConfig(
                v.intValue(BrokerConfigKeys.NODE_ID, d.nodeId(), 0, Integer.MAX_VALUE),
                bind.wildcardHost() ? "0.0.0.0" : bind.host(),
                bind.port(),
                advertised.host(),
                advertised.port(),
                logDirs(v, d.logDirs()),
                v.intValue(BrokerConfigKeys.METRICS_PORT, d.metricsPort(), 0, 65535),
                v.intValue(BrokerConfigKeys.NUM_PARTITIONS, d.numPartitions(), 1, Integer.MAX_VALUE),
                (short) v.intValue(BrokerConfigKeys.DEFAULT_REPLICATION_FACTOR, d.defaultReplicationFactor(), 1,
                        Short.MAX_VALUE),
                v.booleanValue(BrokerConfigKeys.AUTO_CREATE_TOPICS_ENABLE, d.autoCreateTopics()),
                LogDefaultsParser.parse(v, d.logDefaults()),
                v.intValue(BrokerConfigKeys.SOCKET_REQUEST_MAX_BYTES, d.socketRequestBytesMax(), 1, Integer.MAX_VALUE),
                v.longValue(BrokerConfigKeys.CONNECTIONS_MAX_IDLE_MS, d.connectionsIdleMsMax(), 1, Long.MAX_VALUE),
                v.longValue(BrokerConfigKeys.REQUEST_READ_TIMEOUT_MS, d.requestReadTimeoutMs(), 1, Long.MAX_VALUE),
                v.intValue(BrokerConfigKeys.MAX_CONNECTIONS, d.connectionsMax(), 1, Integer.MAX_VALUE),
                v.intValue(BrokerConfigKeys.MAX_CONNECTIONS_PER_IP, d.connectionsPerIpMax(), 1, Integer.MAX_VALUE),
                v.intValue(BrokerConfigKeys.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        d.inFlightRequestsPerConnectionMax(), 1, Integer.MAX_VALUE),
                v.intValue(BrokerConfigKeys.IO_THREADS, d.ioThreads(), 0, 4096),
                v.intValue(BrokerConfigKeys.PRODUCER_ID_EXPIRATION_MS, (int) d.producerIdExpirationMs(), 1,
                        Integer.MAX_VALUE),
                GroupConfigParser.parse(v, d.groupCoordinator()),
                v.intValue(BrokerConfigKeys.METRICS_PARTITION_SERIES_MAX, d.metricsPartitionSeriesMax(), 0,
                        Integer.MAX_VALUE),
                socketBufferBytes(v, BrokerConfigKeys.SOCKET_SEND_BUFFER_BYTES, d.socketSendBufferBytes()),
                socketBufferBytes(v, BrokerConfigKeys.SOCKET_RECEIVE_BUFFER_BYTES, d.socketReceiveBufferBytes()),
                v.booleanValue(BrokerConfigKeys.LOG_JOURNAL_ENABLE, d.logJournalEnable()),
                v.longValue(BrokerConfigKeys.LOG_JOURNAL_BYTES_MAX, d.logJournalBytesMax(), 0, Long.MAX_VALUE),
                v.longValue(BrokerConfigKeys.LOG_JOURNAL_FILE_BYTES, d.logJournalFileBytes(), 1L << 20, 1L << 30),
                v.longValue(BrokerConfigKeys.LOG_JOURNAL_GATHER_MAX_US, d.logJournalGatherUsMax(), 0, 1_000_000));
    }

    /** A socket buffer size: positive, or -1 for the OS default (as in Kafka); 0 and other negatives fail. */
    private static int socketBufferBytes(ConfigValues v, String key, int defaultValue) {
        int bytes = v.intValue(key, defaultValue, BrokerConfig.SOCKET_BUFFER_OS_DEFAULT, Integer.MAX_VALUE);
        if (bytes == 0) {
            throw new ConfigException(key, 0, "must be positive, or -1 for the OS default");
        }
        return bytes;
    }

    /**
     * The one listener clients connect to: the entries of {@code listeners} minus the controller listeners
     * (Kelpie's combined node needs no separate controller port yet). It must use PLAINTEXT.
     */
    private static Listener clientListener(ConfigValues v, BrokerConfig d) {
        String value = v.string(LISTENERS).orElse("PLAINTEXT://" + d.listenerHost() + ":" + d.listenerPort());
        List<String> controllerNames = v.has(CONTROLLER_LISTENER_NAMES)
                ? v.list(CONTROLLER_LISTENER_NAMES).stream().map(s -> s.toUpperCase(Locale.ROOT)).toList()
                : List.of("CONTROLLER");
        List<Listener> all = Listener.parseList(LISTENERS, value);
        List<Listener> clients = all.stream().filter(l -> !controllerNames.contains(l.name())).toList();
        if (clients.size() != 1) {
            throw new ConfigException(LISTENERS, value, "Kelpie serves exactly one client listener besides "
                    + "the controller listeners " + controllerNames + ", found " + clients.size());
        }
        Listener listener = clients.get(0);
        String protocol = protocols(v).get(listener.name());
        if (protocol == null) {
            throw new ConfigException(LISTENERS, value, "listener " + listener.name()
                    + " has no security protocol in " + LISTENER_SECURITY_PROTOCOL_MAP);
        }
        if (!protocol.equals("PLAINTEXT")) {
            throw new ConfigException(LISTENERS, value, "Kelpie supports only PLAINTEXT listeners; "
                    + listener.name() + " uses " + protocol);
        }
        all.stream().filter(l -> controllerNames.contains(l.name())).forEach(l -> LOG.info(
                "Not opening controller listener {}: this Kelpie node is its own single-node controller", l));
        return listener;
    }

    /**
     * {@code process.roles} is read for validation only: a Kelpie node always serves clients and is its own
     * controller, whatever its roles say, until the replicated metadata quorum exists.
     */
    private static void checkProcessRoles(ConfigValues v) {
        if (!v.has(PROCESS_ROLES)) {
            return;
        }
        String value = v.string(PROCESS_ROLES).orElse("");
        List<String> roles = v.list(PROCESS_ROLES).stream().map(r -> r.toLowerCase(Locale.ROOT)).toList();
        if (roles.isEmpty() || !ROLES.containsAll(roles) || new HashSet<>(roles).size() != roles.size()) {
            throw new ConfigException(PROCESS_ROLES, value, "must be broker, controller or broker,controller");
        }
        if (!roles.contains("broker")) {
            throw new ConfigException(PROCESS_ROLES, value,
                    "a Kelpie node always serves clients, so the roles must include broker");
        }
    }

    private static Listener advertisedListener(ConfigValues v, Listener bind) {
        if (v.string(ADVERTISED_LISTENERS).isEmpty()) {
            if (bind.host().isEmpty()) {
                return new Listener(bind.name(), localHostName(), bind.port());
            }
            if (bind.wildcardHost()) {
                throw new ConfigException(LISTENERS, bind.toString(), "binds every interface, so set "
                        + ADVERTISED_LISTENERS + " to an address clients can reach");
            }
            return bind;
        }
        String value = v.string(ADVERTISED_LISTENERS).get();
        Listener advertised = Listener.parseList(ADVERTISED_LISTENERS, value).stream()
                .filter(l -> l.name().equals(bind.name())).findFirst()
                .orElseThrow(() -> new ConfigException(ADVERTISED_LISTENERS, value,
                        "must advertise the listener " + bind.name()));
        if (advertised.wildcardHost()) {
            throw new ConfigException(ADVERTISED_LISTENERS, value,
                    "must name a host clients can reach, not the wildcard address");
        }
        return advertised;
    }

    private static Map<String, String> protocols(ConfigValues v) {
        if (!v.has(LISTENER_SECURITY_PROTOCOL_MAP)) {
            return DEFAULT_PROTOCOLS;
        }
        Map<String, String> map = new HashMap<>();
        for (String pair : v.list(LISTENER_SECURITY_PROTOCOL_MAP)) {
            String[] parts = pair.split(":", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigException(LISTENER_SECURITY_PROTOCOL_MAP, v.string(LISTENER_SECURITY_PROTOCOL_MAP)
                        .orElse(""), "each entry must look like NAME:PROTOCOL");
            }
            map.put(parts[0].trim().toUpperCase(Locale.ROOT), parts[1].trim().toUpperCase(Locale.ROOT));
        }
        return map;
    }

    private static List<Path> logDirs(ConfigValues v, List<Path> defaultDirs) {
        String key = v.has(LOG_DIRS) ? LOG_DIRS : v.has(LOG_DIR) ? LOG_DIR : null;
        if (key == null) {
            return defaultDirs;
        }
        List<String> names = v.list(key);
        String value = v.string(key).orElse("");
        if (names.isEmpty()) {
            throw new ConfigException(key, value, "must name at least one directory");
        }
        List<Path> dirs = new ArrayList<>();
        for (String name : names) {
            try {
                dirs.add(Path.of(name));
            } catch (InvalidPathException e) {
                throw new ConfigException(key, value, "not a valid path: " + name);
            }
        }
        if (new LinkedHashSet<>(dirs.stream().map(p -> p.toAbsolutePath().normalize()).toList()).size() != dirs.size()) {
            throw new ConfigException(key, value, "names the same directory twice");
        }
        return List.copyOf(dirs);
    }

    /** Kafka advertises the canonical host name when a listener names no host. */
    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
