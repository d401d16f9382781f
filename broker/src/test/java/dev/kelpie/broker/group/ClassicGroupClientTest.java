package dev.kelpie.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.log.LogManager;
import dev.kelpie.broker.server.EmbeddedBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClassicGroupClientTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker(c -> c.withGroupCoordinator(
            GroupCoordinatorConfig.defaults().withInitialRebalanceDelayMs(0)), LogManager.Settings.defaults());

    @Test
    void threeMembersSplitSixPartitions() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("six", 6, (short) 1))).all().get();
        List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Properties p = new Properties();
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "g1");
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
            KafkaConsumer<String, String> c = BROKER.consumer(p);
            c.subscribe(List.of("six"));
            consumers.add(c);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumers.forEach(c -> c.poll(Duration.ofMillis(50)));
            Set<TopicPartition> all = new HashSet<>();
            for (KafkaConsumer<String, String> c : consumers) {
                if (c.assignment().size() != 2) {
                    return false;
                }
                all.addAll(c.assignment());
            }
            return all.size() == 6;
        });
    }
}
