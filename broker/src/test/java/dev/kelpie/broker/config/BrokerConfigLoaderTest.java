package dev.kelpie.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.log.LogConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfigLoaderTest {
    @TempDir
    Path dir;

    private static BrokerConfig load(Map<String, String> env, String... overrides) {
        return BrokerConfigLoader.load(Optional.empty(), env, List.of(overrides)).config();
    }

    private Path file(String text) throws IOException {
        Path f = dir.resolve("server.properties");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void noSourcesGiveTheEmbeddedDefault() {
        BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(Optional.empty(), Map.of(), List.of());
        assertThat(loaded.config()).isEqualTo(BrokerConfig.embeddedDefault());
        assertThat(loaded.config().listenerHost()).isEqualTo("localhost");
        assertThat(loaded.config().listenerPort()).isEqualTo(9092);
        assertThat(loaded.config().logDirs()).containsExactly(Path.of("data"));
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void propertiesFileSetsKafkaNamedSettings() throws IOException {
        Path f = file("""
                node.id=7
                listeners=PLAINTEXT://127.0.0.1:19092
                advertised.listeners=PLAINTEXT://broker-0.example:9092
                log.dirs=/var/a, /var/b
                num.partitions=3
                default.replication.factor=1
                auto.create.topics.enable=false
                socket.request.max.bytes=1048576
                connections.max.idle.ms=5000
                max.connections=10
                max.connections.per.ip=2
                producer.id.expiration.ms=1000
                kelpie.metrics.port=0
                kelpie.request.read.timeout.ms=1500
                kelpie.io.threads=4
                socket.send.buffer.bytes=-1
                socket.receive.buffer.bytes=65536
                """);
        BrokerConfig c = BrokerConfigLoader.load(Optional.of(f), Map.of(), List.of()).config();
        assertThat(c.nodeId()).isEqualTo(7);
        assertThat(c.listenerHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenerPort()).isEqualTo(19092);
        assertThat(c.advertisedHost()).isEqualTo("broker-0.example");
        assertThat(c.advertisedPort()).isEqualTo(9092);
        assertThat(c.logDirs()).containsExactly(Path.of("/var/a"), Path.of("/var/b"));
        assertThat(c.numPartitions()).isEqualTo(3);
        assertThat(c.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(c.autoCreateTopics()).isFalse();
        assertThat(c.socketRequestBytesMax()).isEqualTo(1_048_576);
        assertThat(c.connectionsIdleMsMax()).isEqualTo(5000);
        assertThat(c.connectionsMax()).isEqualTo(10);
        assertThat(c.connectionsPerIpMax()).isEqualTo(2);
        assertThat(c.producerIdExpirationMs()).isEqualTo(1000);
        assertThat(c.metricsPort()).isZero();
        assertThat(c.requestReadTimeoutMs()).isEqualTo(1500);
        assertThat(c.ioThreads()).isEqualTo(4);
        assertThat(c.socketSendBufferBytes()).as("-1: the OS default").isEqualTo(-1);
        assertThat(c.socketReceiveBufferBytes()).isEqualTo(65_536);
        assertThat(BrokerConfig.embeddedDefault().socketSendBufferBytes()).as("Kafka's default").isEqualTo(102_400);
        assertThat(BrokerConfig.embeddedDefault().socketReceiveBufferBytes()).as("the OS's").isEqualTo(-1);
    }

    @Test
    void brokerLogDefaultsMapOntoTopicConfigNames() {
        BrokerConfig c = load(Map.of(), "log.segment.bytes=1048576", "log.retention.bytes=5000",
                "log.cleanup.policy=compact,delete", "message.max.bytes=2000", "log.message.timestamp.type=LogAppendTime",
                "compression.type=zstd", "min.insync.replicas=2", "log.flush.policy=interval",
                "log.flush.interval.messages=10", "log.flush.interval.ms=100");
        LogConfig l = c.logDefaults();
        assertThat(l.segmentBytes()).isEqualTo(1_048_576);
        assertThat(l.retentionBytes()).isEqualTo(5000);
        assertThat(l.cleanupCompact()).isTrue();
        assertThat(l.cleanupDelete()).isTrue();
        assertThat(l.maxMessageBytes()).isEqualTo(2000);
        assertThat(l.logAppendTime()).isTrue();
        assertThat(l.compressionType()).isEqualTo("zstd");
        assertThat(l.minInsyncReplicas()).isEqualTo(2);
        assertThat(l.flushPolicy()).isEqualTo(LogConfig.FlushPolicy.INTERVAL);
        assertThat(l.flushMessages()).isEqualTo(10);
        assertThat(l.flushMs()).isEqualTo(100);
    }

    @Test
    void theLogJournalIsOnByDefaultAndItsSettingsAreChecked() {
        BrokerConfig defaults = load(Map.of());
        assertThat(defaults.logJournalEnable()).isTrue();
        assertThat(defaults.logJournalBytesMax()).isEqualTo(2L << 30);
        assertThat(defaults.logJournalFileBytes()).isEqualTo(8L << 20);
        BrokerConfig off = load(Map.of("KELPIE_LOG_JOURNAL_ENABLE", "false"), "kelpie.log.journal.bytes.max=1024");
        assertThat(off.logJournalEnable()).isFalse();
        assertThat(off.logJournalBytesMax()).isEqualTo(1024);
        assertThatThrownBy(() -> load(Map.of(), "kelpie.log.journal.bytes.max=-1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kelpie.log.journal.bytes.max");
        assertThat(load(Map.of(), "kelpie.log.journal.file.bytes=2097152").logJournalFileBytes()).isEqualTo(2L << 20);
        assertThatThrownBy(() -> load(Map.of(), "kelpie.log.journal.file.bytes=1000"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kelpie.log.journal.file.bytes");
        assertThatThrownBy(() -> load(Map.of(), "kelpie.log.journal.enable=maybe"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kelpie.log.journal.enable");
    }

    @Test
    void retentionAndRollUnitsFollowKafkasPrecedence() {
        assertThat(load(Map.of(), "log.retention.hours=2").logDefaults().retentionMs()).isEqualTo(7_200_000);
        assertThat(load(Map.of(), "log.retention.hours=2", "log.retention.minutes=3").logDefaults().retentionMs())
                .isEqualTo(180_000);
        assertThat(load(Map.of(), "log.retention.minutes=3", "log.retention.ms=1234").logDefaults().retentionMs())
                .isEqualTo(1234);
        assertThat(load(Map.of(), "log.retention.hours=-5").logDefaults().retentionMs()).isEqualTo(-1);
        assertThat(load(Map.of(), "log.roll.hours=1").logDefaults().segmentMs()).isEqualTo(3_600_000);
        assertThat(load(Map.of(), "log.roll.hours=1", "log.roll.ms=500").logDefaults().segmentMs()).isEqualTo(500);
    }

    @Test
    void environmentVariablesMapUnderscoresToDots() {
        BrokerConfig c = load(Map.of("KELPIE_LOG_DIRS", "/env/data", "KELPIE_NUM_PARTITIONS", "6",
                "KELPIE_METRICS_PORT", "9500", "KELPIE_KELPIE_IO_THREADS", "3", "KELPIE_LOG_RETENTION_HOURS", "1",
                "PATH", "/usr/bin", "KELPIE_HEAP_OPTS", "-Xmx1g", "KELPIE_JVM_OPTS", "-Dx=y"));
        assertThat(c.logDirs()).containsExactly(Path.of("/env/data"));
        assertThat(c.numPartitions()).isEqualTo(6);
        assertThat(c.metricsPort()).isEqualTo(9500);
        assertThat(c.ioThreads()).isEqualTo(3);
        assertThat(c.logDefaults().retentionMs()).isEqualTo(3_600_000);
    }

    @Test
    void scriptVariablesAreNotSettings() {
        assertThat(BrokerConfigLoader.fromEnvironment(Map.of("KELPIE_HEAP_OPTS", "-Xmx1g", "KELPIE_JVM_OPTS", "",
                "KELPIE_LOG_LEVEL", "debug", "KELPIE_", "x", "KAFKA_NUM_PARTITIONS", "3"))).isEmpty();
    }

    @Test
    void laterSourcesWinKeyByKey() throws IOException {
        Path f = file("num.partitions=3\nnode.id=4\nmax.connections=50\n");
        BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(Optional.of(f),
                Map.of("KELPIE_NUM_PARTITIONS", "5", "KELPIE_NODE_ID", "8"), List.of("num.partitions=9"));
        assertThat(loaded.config().numPartitions()).isEqualTo(9);
        assertThat(loaded.config().nodeId()).isEqualTo(8);
        assertThat(loaded.config().connectionsMax()).isEqualTo(50);
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void overrideValuesMayContainEqualsSigns() {
        assertThat(BrokerConfigLoader.parseOverrides(List.of("a=b=c", " k = v"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("a", "b=c", "k", " v"));
        assertThatThrownBy(() -> BrokerConfigLoader.parseOverrides(List.of("novalue")))
                .isInstanceOf(ConfigException.class).hasMessage("--override expects key=value, got: novalue");
        assertThatThrownBy(() -> BrokerConfigLoader.parseOverrides(List.of("=1")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void unknownKeysWarnAndKafkasIrrelevantKeysAreQuiet() throws IOException {
        Path f = file("""
                process.roles=broker,controller
                controller.quorum.voters=1@localhost:9093
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                log.retention.check.interval.ms=300000
                nmu.partitions=3
                """);
        BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(Optional.of(f),
                Map.of("KELPIE_NUM_PARTITOINS", "2"), List.of("bogus.key=1"));
        assertThat(loaded.warnings()).containsExactly(
                "Ignoring unknown configuration bogus.key (from --override)",
                "Ignoring unknown configuration nmu.partitions (from file " + f + ")",
                "Ignoring unknown configuration num.partitoins (from environment)");
        assertThat(loaded.config().numPartitions()).isEqualTo(1);
    }

    @Test
    void kafkasOwnKraftServerPropertiesLoadCleanly() throws IOException {
        Path f = file("""
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=localhost:9093
                listeners=PLAINTEXT://:9092,CONTROLLER://:9093
                inter.broker.listener.name=PLAINTEXT
                advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL
                num.network.threads=3
                num.io.threads=8
                socket.send.buffer.bytes=102400
                socket.receive.buffer.bytes=102400
                socket.request.max.bytes=104857600
                log.dirs=/tmp/kraft-combined-logs
                num.partitions=1
                num.recovery.threads.per.data.dir=1
                offsets.topic.replication.factor=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                log.retention.hours=168
                log.segment.bytes=1073741824
                log.retention.check.interval.ms=300000
                """);
        BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(Optional.of(f), Map.of(), List.of());
        assertThat(loaded.warnings()).isEmpty();
        BrokerConfig c = loaded.config();
        assertThat(c.listenerHost()).isEqualTo("0.0.0.0");
        assertThat(c.listenerPort()).isEqualTo(9092);
        assertThat(c.advertisedHost()).isEqualTo("localhost");
        assertThat(c.logDirs()).containsExactly(Path.of("/tmp/kraft-combined-logs"));
        assertThat(c.logDefaults()).isEqualTo(LogConfig.defaults());
    }

    /** What the operator's ConfigMap and start command give a pod (see the operator's golden files). */
    @Test
    void kubernetesPodSettingsLoadCleanly() throws IOException {
        Path f = file("""
                controller.listener.names=CONTROLLER
                controller.quorum.voters=0@kc-0.kc-headless.ns.svc:9093,1@kc-1.kc-headless.ns.svc:9093
                inter.broker.listener.name=PLAIN
                kelpie.metrics.port=9404
                listener.security.protocol.map=PLAIN:PLAINTEXT,CONTROLLER:PLAINTEXT
                listeners=PLAIN://:9092,CONTROLLER://:9093
                log.dirs=/var/lib/kelpie/data
                default.replication.factor=2
                min.insync.replicas=1
                offsets.topic.replication.factor=2
                transaction.state.log.min.isr=1
                transaction.state.log.replication.factor=2
                """);
        BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(Optional.of(f), Map.of(
                "KELPIE_NODE_ID", "1",
                "KELPIE_PROCESS_ROLES", "broker,controller",
                "KELPIE_ADVERTISED_LISTENERS", "PLAIN://kc-1.kc-headless.ns.svc:9092",
                "KELPIE_CLUSTER_ID", "C516XB4vSjuMTV5veoucDQ",
                "KELPIE_HEAP_OPTS", "-Xmx1g", "KELPIE_LOG_LEVEL", "debug"), List.of());
        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.clusterId()).contains("C516XB4vSjuMTV5veoucDQ");
        BrokerConfig c = loaded.config();
        assertThat(c.nodeId()).isEqualTo(1);
        assertThat(c.listenerHost()).isEqualTo("0.0.0.0");
        assertThat(c.listenerPort()).isEqualTo(9092);
        assertThat(c.advertisedHost()).isEqualTo("kc-1.kc-headless.ns.svc");
        assertThat(c.advertisedPort()).isEqualTo(9092);
        assertThat(c.logDirs()).containsExactly(Path.of("/var/lib/kelpie/data"));
        assertThat(c.defaultReplicationFactor()).isEqualTo((short) 2);
        assertThat(c.logDefaults().minInsyncReplicas()).isEqualTo(1);
    }

    @Test
    void clusterIdIsOptionalAndMustBeAKafkaUuid() {
        assertThat(BrokerConfigLoader.load(Optional.empty(), Map.of(), List.of()).clusterId()).isEmpty();
        assertThat(BrokerConfigLoader.load(Optional.empty(), Map.of(), List.of("cluster.id=MkU3OEVBNTcwNTJENDM2Qk"))
                .clusterId()).contains("MkU3OEVBNTcwNTJENDM2Qk");
        assertFails("cluster.id=my-cluster", "Invalid value my-cluster for configuration cluster.id: must be a Kafka "
                + "cluster id");
        assertFails("cluster.id=C516XB4vSjuMTV5veoucDQAA", "configuration cluster.id: must be a Kafka cluster id");
        assertThatThrownBy(() -> load(Map.of("KELPIE_CLUSTER_ID", "C516XB4vSjuMTV5veoucD!")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("configuration cluster.id");
    }

    @Test
    void processRolesAreCheckedButEveryNodeServesClients() {
        assertThat(load(Map.of("KELPIE_PROCESS_ROLES", "broker")).nodeId()).isEqualTo(1);
        assertThat(load(Map.of(), "process.roles=controller, broker").nodeId()).isEqualTo(1);
        assertFails("process.roles=leader", "Invalid value leader for configuration process.roles: must be broker, "
                + "controller or broker,controller");
        assertFails("process.roles=broker,broker", "configuration process.roles: must be broker");
        assertFails("process.roles=", "configuration process.roles: must be broker");
        assertFails("process.roles=controller", "configuration process.roles: a Kelpie node always serves clients");
    }

    @Test
    void renamedListenerMappedToPlaintextIsAccepted() {
        BrokerConfig c = load(Map.of(), "listeners=CLIENT://[::1]:9500",
                "listener.security.protocol.map=CLIENT:PLAINTEXT");
        assertThat(c.listenerHost()).isEqualTo("::1");
        assertThat(c.listenerPort()).isEqualTo(9500);
        assertThat(c.advertisedHost()).isEqualTo("::1");
    }

    @Test
    void logDirIsUsedOnlyWithoutLogDirs() {
        assertThat(load(Map.of(), "log.dir=/one").logDirs()).containsExactly(Path.of("/one"));
        assertThat(load(Map.of(), "log.dir=/one", "log.dirs=/two,/three").logDirs())
                .containsExactly(Path.of("/two"), Path.of("/three"));
    }

    @Test
    void wrongValuesFailNamingTheKey() {
        assertFails("num.partitions=abc", "Invalid value abc for configuration num.partitions: must be an int");
        assertFails("num.partitions=0", "Invalid value 0 for configuration num.partitions: must be at least 1");
        assertFails("node.id=99999999999", "Invalid value 99999999999 for configuration node.id: must be an int");
        assertFails("auto.create.topics.enable=yes",
                "Invalid value yes for configuration auto.create.topics.enable: must be true or false");
        assertFails("kelpie.metrics.port=70000",
                "Invalid value 70000 for configuration kelpie.metrics.port: must be between 0 and 65535");
        assertFails("connections.max.idle.ms=soon",
                "Invalid value soon for configuration connections.max.idle.ms: must be a long");
        assertFails("log.segment.bytes=5",
                "Invalid value 5 for configuration log.segment.bytes: must be at least 1024");
        assertFails("log.cleanup.policy=forever",
                "Invalid value forever for configuration log.cleanup.policy: must be delete, compact or compact,delete");
        assertFails("log.flush.policy=sometimes",
                "Invalid value sometimes for configuration log.flush.policy: must be sync or interval");
        assertFails("log.retention.hours=week", "Invalid value week for configuration log.retention.hours: must be an int");
        assertFails("compression.type=brotli", "Invalid value brotli for configuration compression.type: must be one of");
        assertFails("log.dirs= , ", "Invalid value , for configuration log.dirs: must name at least one directory");
        assertFails("socket.send.buffer.bytes=0",
                "Invalid value 0 for configuration socket.send.buffer.bytes: must be positive, or -1 for the OS default");
        assertFails("socket.receive.buffer.bytes=-2",
                "Invalid value -2 for configuration socket.receive.buffer.bytes: must be at least -1");
    }

    @Test
    void wrongListenersFailNamingTheKey() {
        assertFails("listeners=localhost:9092", "Invalid value localhost:9092 for configuration listeners: each entry");
        assertFails("listeners=PLAINTEXT://localhost:99999", "configuration listeners: port 99999");
        assertFails("listeners=SSL://localhost:9093", "configuration listeners: Kelpie supports only PLAINTEXT");
        assertFails("listeners=PLAINTEXT://a:1,OTHER://b:2", "configuration listeners: Kelpie serves exactly one");
        assertFails("listeners=PLAINTEXT://0.0.0.0:9092", "configuration listeners: binds every interface");
        assertFails("listeners=PLAINTEXT://a:1,PLAINTEXT://b:2", "appears twice");
        assertThatThrownBy(() -> load(Map.of(), "listeners=PLAINTEXT://:9092",
                "advertised.listeners=OTHER://host:9092"))
                .hasMessageContaining("configuration advertised.listeners: must advertise the listener PLAINTEXT");
        assertThatThrownBy(() -> load(Map.of(), "advertised.listeners=PLAINTEXT://0.0.0.0:9092"))
                .hasMessageContaining("configuration advertised.listeners: must name a host clients can reach");
    }

    @Test
    void wrongEnvironmentValueNamesTheKey() {
        assertThatThrownBy(() -> load(Map.of("KELPIE_NUM_PARTITIONS", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value many for configuration num.partitions: must be an int");
    }

    @Test
    void unreadableFileFailsWithItsPath() {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> BrokerConfigLoader.load(Optional.of(missing), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Cannot read properties file " + missing + ": NoSuchFileException");
    }

    @Test
    void shippedServerPropertiesEqualTheEmbeddedDefault() {
        Path shipped = Path.of("src/main/dist/config/server.properties");
        BrokerConfigLoader.Loaded loaded = BrokerConfigLoader.load(Optional.of(shipped), Map.of(), List.of());
        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.config()).isEqualTo(BrokerConfig.embeddedDefault());
    }

    @Test
    void everyKeyDocumentedInTheShippedFileIsKnown() throws IOException {
        List<String> documented = Files.readAllLines(Path.of("src/main/dist/config/server.properties")).stream()
                .map(l -> l.startsWith("#") ? l.substring(1).trim() : l.trim())
                .filter(l -> l.matches("[a-z][a-z0-9.]*=.*")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(documented).hasSizeGreaterThan(25).allMatch(BrokerConfigKeys::isKnown);
        assertThat(documented).containsAll(BrokerConfigKeys.LOG_DEFAULT_NAMES.keySet());
    }

    private static void assertFails(String override, String message) {
        assertThatThrownBy(() -> load(Map.of(), override)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }
}
