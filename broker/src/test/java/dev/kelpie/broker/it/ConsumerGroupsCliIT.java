package dev.kelpie.broker.it;

import static dev.kelpie.broker.it.Cli.bin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consumer groups through the distribution's wrappers of Kafka 4.4's tools: console consumers in a group
 * (commit on exit, split partitions, take over a killed member's partitions within the session timeout) and
 * {@code kafka-consumer-groups --list / --describe / --reset-offsets / --delete}.
 */
class ConsumerGroupsCliIT {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static BrokerProcess broker;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void startBroker() {
        broker = BrokerProcess.start(dir.resolve("data"), "--override", "group.initial.rebalance.delay.ms=0",
                "--override", "offsets.topic.num.partitions=10", "--override",
                "group.consumer.session.timeout.ms=6000", "--override", "group.consumer.heartbeat.interval.ms=500");
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        admin = Admin.create(p);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(pp);
    }

    @AfterAll
    static void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            assertThat(broker.stop()).as(broker.output()).isZero();
        }
    }

    private static void produce(String topic, int partition, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            producer.send(new ProducerRecord<>(topic, partition, "k" + i, "p" + partition + "-" + i)).get();
        }
    }

    private static Cli.Result groups(String... args) {
        List<String> command = new ArrayList<>(List.of(bin("kafka-consumer-groups"), "--bootstrap-server",
                broker.bootstrap()));
        command.addAll(List.of(args));
        return Cli.run(TOOL_TIMEOUT, null, command).assertSuccess();
    }

    @Test
    void consumerGroupsToolListsDescribesResetsAndDeletes() throws Exception {
        String topic = "cli-orders";
        broker.createTopic(topic, 2);
        produce(topic, 0, 0, 10);
        produce(topic, 1, 0, 10);
        Cli.Result consumed = Cli.run(TOOL_TIMEOUT, null, List.of(bin("kafka-console-consumer"), "--bootstrap-server",
                broker.bootstrap(), "--topic", topic, "--group", "cli-group", "--from-beginning", "--max-messages",
                "20")).assertSuccess();
        assertThat(consumed.stdout().lines()).as(consumed.toString()).hasSize(20);
        produce(topic, 0, 10, 5);
        produce(topic, 1, 10, 3);

        Cli.Result list = groups("--list");
        assertThat(list.stdout().lines()).as(list.toString()).contains("cli-group");

        Cli.Result describe = groups("--describe", "--group", "cli-group");
        assertThat(describe.stdout()).as(describe.toString())
                .containsPattern("cli-group\\s+cli-orders\\s+0\\s+10\\s+15\\s+5")
                .containsPattern("cli-group\\s+cli-orders\\s+1\\s+10\\s+13\\s+3");

        Cli.Result reset = groups("--reset-offsets", "--to-earliest", "--execute", "--group", "cli-group",
                "--topic", topic);
        assertThat(reset.stdout()).as(reset.toString()).containsPattern("cli-group\\s+cli-orders\\s+0\\s+0")
                .containsPattern("cli-group\\s+cli-orders\\s+1\\s+0");
        Cli.Result afterReset = groups("--describe", "--group", "cli-group");
        assertThat(afterReset.stdout()).as(afterReset.toString())
                .containsPattern("cli-group\\s+cli-orders\\s+0\\s+0\\s+15\\s+15")
                .containsPattern("cli-group\\s+cli-orders\\s+1\\s+0\\s+13\\s+13");

        Cli.Result delete = groups("--delete", "--group", "cli-group");
        assertThat(delete.stdout()).as(delete.toString())
                .contains("Deletion of requested consumer groups ('cli-group') was successful.");
        assertThat(groups("--list").stdout().lines()).doesNotContain("cli-group");
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void twoConsoleConsumersSplitTwoPartitionsAndTheSurvivorTakesOverAfterSigkill(String protocol) throws Exception {
        String topic = "cli-split-" + protocol;
        String group = "split-" + protocol;
        broker.createTopic(topic, 2);
        try (BackgroundProcess first = consoleConsumer(topic, group, protocol);
                BackgroundProcess second = consoleConsumer(topic, group, protocol)) {
            awaitMembers(group, 2);
            produce(topic, 0, 0, 5);
            produce(topic, 1, 0, 5);
            await().atMost(WAIT).until(() -> records(first).size() + records(second).size() == 10);
            assertThat(partitionsSeen(first)).as(first.toString()).hasSize(1);
            assertThat(partitionsSeen(second)).as(second.toString()).hasSize(1);
            assertThat(partitionsSeen(first)).doesNotContainAnyElementsOf(partitionsSeen(second));

            first.kill();
            awaitMembers(group, 1);
            produce(topic, 0, 5, 5);
            produce(topic, 1, 5, 5);
            await().atMost(WAIT).until(() -> records(second).size() >= 15);
            assertThat(partitionsSeen(second)).as(second.toString()).containsExactlyInAnyOrder("0", "1");
            assertThat(records(second)).as("the survivor resumes the killed member's partition where it stopped")
                    .doesNotHaveDuplicates();
        }
    }

    private static BackgroundProcess consoleConsumer(String topic, String group, String protocol) {
        List<String> command = new ArrayList<>(List.of(bin("kafka-console-consumer"), "--bootstrap-server",
                broker.bootstrap(), "--topic", topic, "--group", group, "--formatter-property",
                "print.partition=true", "--consumer-property", "group.protocol=" + protocol, "--consumer-property",
                "auto.offset.reset=earliest", "--consumer-property", "auto.commit.interval.ms=200"));
        if (protocol.equals("classic")) {
            command.addAll(List.of("--consumer-property", "session.timeout.ms=6000", "--consumer-property",
                    "heartbeat.interval.ms=500"));
        }
        return BackgroundProcess.start(command);
    }

    /** Waits until the group has {@code count} members that together own every partition of the topic. */
    private static void awaitMembers(String group, int count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            Set<Integer> owned = new HashSet<>();
            for (MemberDescription m : d.members()) {
                if (m.assignment().topicPartitions().isEmpty()) {
                    return false;
                }
                m.assignment().topicPartitions().forEach(tp -> owned.add(tp.partition()));
            }
            return d.members().size() == count && owned.size() == 2;
        });
    }

    /** The records a console consumer printed ({@code Partition:N<TAB>value}). */
    private static List<String> records(BackgroundProcess p) {
        return p.lines().stream().filter(l -> l.startsWith("Partition:")).toList();
    }

    private static Set<String> partitionsSeen(BackgroundProcess p) {
        Set<String> out = new HashSet<>();
        records(p).forEach(l -> out.add(l.substring("Partition:".length(), l.indexOf('\t'))));
        return out;
    }
}
