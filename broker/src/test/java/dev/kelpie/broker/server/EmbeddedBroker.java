package dev.kelpie.broker.server;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.log.LogManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real {@link BrokerServer} per test class: port 0 on 127.0.0.1, a fresh temporary data directory,
 * real files and fsyncs. Register with {@code @RegisterExtension static final EmbeddedBroker BROKER = ...}.
 * Clients made through it are closed after the class. {@link #restart()} closes the broker and starts a new
 * one on the same data.
 */
public final class EmbeddedBroker implements BeforeAllCallback, AfterAllCallback {
    public static final String CLUSTER_ID = "kelpie-test-cluster-0001";

    private final java.util.function.UnaryOperator<BrokerConfig> customize;
    private final LogManager.Settings logSettings;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Path dataDir;
    private BrokerServer broker;
    private int port;

    public EmbeddedBroker() {
        this(c -> c, LogManager.Settings.defaults());
    }

    public EmbeddedBroker(java.util.function.UnaryOperator<BrokerConfig> customize, LogManager.Settings logSettings) {
        this.customize = customize;
        this.logSettings = logSettings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("kelpie-it");
        start(0);
    }

    private void start(int listenerPort) {
        BrokerConfig base = BrokerConfig.embeddedDefault();
        BrokerConfig config = customize.apply(new BrokerConfig(base.nodeId(), "127.0.0.1", listenerPort, "127.0.0.1",
                0, List.of(dataDir), 0, 1, (short) 1, true, LogConfig.defaults(), base.socketRequestBytesMax(),
                base.connectionsIdleMsMax(), base.requestReadTimeoutMs(), base.connectionsMax(),
                base.connectionsPerIpMax(), base.inFlightRequestsPerConnectionMax(), 2, base.producerIdExpirationMs()));
        broker = new BrokerServer(config, CLUSTER_ID, Clock.SYSTEM, logSettings);
        broker.start();
        port = broker.boundPort();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeClients();
        if (broker != null) {
            broker.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Closes the broker gracefully and starts a new one on the same data directory and port. */
    public void restart() {
        broker.close();
        start(port);
    }

    public BrokerServer server() {
        return broker;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return port;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return track(Admin.create(p));
    }

    public KafkaProducer<String, String> producer(Properties overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.putAll(overrides);
        return track(new KafkaProducer<>(p));
    }

    public KafkaConsumer<String, String> consumer(Properties overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(overrides);
        return track(new KafkaConsumer<>(p));
    }

    private <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    /** Closes every client made so far. */
    public void closeClients() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        clients.clear();
    }
}
