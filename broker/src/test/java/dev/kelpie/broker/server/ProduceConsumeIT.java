package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProduceConsumeIT {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    @Test
    void defaultProducerAndAssignedConsumer() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(producer.send(new ProducerRecord<>("orders", i % 2, "k" + i, "v" + i)));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        assertThat(sent.get(98).get().offset()).isEqualTo(49);
        KafkaConsumer<String, String> consumer = BROKER.consumer(new Properties());
        TopicPartition p0 = new TopicPartition("orders", 0);
        consumer.assign(List.of(p0));
        consumer.seek(p0, 10);
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 15_000;
        while (got.size() < 40 && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertThat(got).hasSize(40);
        assertThat(got.get(0).offset()).isEqualTo(10);
        assertThat(got.get(0).value()).isEqualTo("v20");
        assertThat(consumer.endOffsets(List.of(p0))).isEqualTo(Map.of(p0, 50L));
    }
}
