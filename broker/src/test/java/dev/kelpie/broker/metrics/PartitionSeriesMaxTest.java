package dev.kelpie.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.log.LogManager;
import dev.kelpie.broker.server.EmbeddedBroker;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kelpie.metrics.partition.series.max}: above it, per-partition series go, per-topic ones stay. */
class PartitionSeriesMaxTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker(c -> c.withMetricsPartitionSeriesMax(2),
            LogManager.Settings.defaults());

    @Test
    void perPartitionSeriesStopAboveTheMaxAndComeBackBelowIt() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("two", 2, (short) 1))).all().get();
        BROKER.producer(new Properties()).send(new ProducerRecord<>("two", 0, "k", "v")).get();
        Scrape s = new Scrape(BROKER.server().metrics().scrape());
        assertThat(s.value("kelpie_metrics_partition_series_enabled")).hasValue(1);
        assertThat(s.find("kelpie_log_end_offset", "topic", "two")).hasSize(2);

        BROKER.admin().createTopics(List.of(new NewTopic("one", 1, (short) 1))).all().get();
        s = new Scrape(BROKER.server().metrics().scrape());
        assertThat(s.value("kelpie_partitions")).hasValue(3);
        assertThat(s.value("kelpie_metrics_partition_series_enabled")).hasValue(0);
        assertThat(s.find("kelpie_log_end_offset")).isEmpty();
        assertThat(s.find("kelpie_log_start_offset")).isEmpty();
        assertThat(s.find("kelpie_log_size_bytes")).isEmpty();
        assertThat(s.value("kelpie_topic_log_size_bytes", "topic", "two").orElseThrow()).isGreaterThan(0);
        assertThat(s.value("kelpie_topic_partitions", "topic", "one")).hasValue(1);

        BROKER.admin().deleteTopics(List.of("one")).all().get();
        s = new Scrape(BROKER.server().metrics().scrape());
        assertThat(s.value("kelpie_metrics_partition_series_enabled")).hasValue(1);
        assertThat(s.value("kelpie_log_end_offset", "topic", "two", "partition", "0")).hasValue(1);
    }
}
