package dev.kelpie.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Group series from a {@link GroupStateSource}: the contract the group coordinator's binding fulfils. The
 * source here is a list the test changes, standing in for the coordinator until it is bound.
 */
class GroupMetricsTest {
    private final AtomicReference<CompletableFuture<List<GroupStateSource.Group>>> answer =
            new AtomicReference<>(CompletableFuture.completedFuture(List.of()));

    private static GroupStateSource.Group group(String id, String state, int members,
            GroupStateSource.PartitionOffset... offsets) {
        return new GroupStateSource.Group(id, "classic", state, members, List.of(offsets));
    }

    private static GroupStateSource.PartitionOffset offset(String topic, int partition, long committed, long end) {
        return new GroupStateSource.PartitionOffset(topic, partition, committed, end, end < 0 ? -1 : end - committed);
    }

    @Test
    void lagMembersAndStatePerGroupTopicAndPartition() {
        try (BrokerMetrics metrics = new BrokerMetrics(1, "c")) {
            metrics.bindGroups(() -> answer.get(), 10);
            answer.set(CompletableFuture.completedFuture(List.of(
                    group("billing", "Stable", 2, offset("orders", 0, 90, 100), offset("orders", 1, 40, 45),
                            offset("refunds", 0, 7, -1)),
                    group("audit", "Empty", 0, offset("orders", 0, 100, 100)))));
            Scrape s = new Scrape(metrics.scrape());
            assertThat(s.value("kelpie_group_lag", "group", "billing", "topic", "orders", "partition", "0"))
                    .hasValue(10);
            assertThat(s.value("kelpie_group_lag", "group", "billing", "topic", "orders", "partition", "1"))
                    .hasValue(5);
            assertThat(s.value("kelpie_group_topic_lag", "group", "billing", "topic", "orders")).hasValue(15);
            assertThat(s.value("kelpie_group_topic_lag", "group", "audit", "topic", "orders")).hasValue(0);
            assertThat(s.find("kelpie_group_lag", "topic", "refunds")).as("unknown log end: no lag").isEmpty();
            assertThat(s.value("kelpie_group_committed_offset", "group", "billing", "topic", "refunds", "partition",
                    "0")).hasValue(7);
            assertThat(s.value("kelpie_group_members", "group", "billing")).hasValue(2);
            assertThat(s.value("kelpie_group_state", "group", "audit", "type", "classic", "state", "Empty"))
                    .hasValue(1);

            // the group is deleted and another rebalances: series follow, none linger
            answer.set(CompletableFuture.completedFuture(List.of(group("billing", "PreparingRebalance", 1,
                    offset("orders", 0, 100, 100)))));
            s = new Scrape(metrics.scrape());
            assertThat(s.find("kelpie_group_members", "group", "audit")).isEmpty();
            assertThat(s.find("kelpie_group_state", "group", "billing")).extracting(x -> x.labels().get("state"))
                    .containsExactly("PreparingRebalance");
            assertThat(s.find("kelpie_group_lag", "group", "billing")).hasSize(1);
            assertThat(s.find("kelpie_group_topic_lag", "topic", "refunds")).isEmpty();
        }
    }

    @Test
    void aSlowOrFailedAnswerKeepsThePreviousValues() {
        try (BrokerMetrics metrics = new BrokerMetrics(1, "c")) {
            metrics.bindGroups(() -> answer.get(), 10);
            answer.set(CompletableFuture.completedFuture(List.of(group("g", "Stable", 3, offset("t", 0, 1, 4)))));
            metrics.scrape();
            answer.set(CompletableFuture.failedFuture(new IllegalStateException("coordinator moved")));
            Scrape s = new Scrape(metrics.scrape());
            assertThat(s.value("kelpie_group_members", "group", "g")).hasValue(3);
            assertThat(s.value("kelpie_group_lag", "group", "g", "topic", "t", "partition", "0")).hasValue(3);
        }
    }

    @Test
    void perPartitionGroupSeriesStopAboveTheSeriesMax() {
        try (BrokerMetrics metrics = new BrokerMetrics(1, "c")) {
            metrics.bindGroups(() -> answer.get(), 2);
            answer.set(CompletableFuture.completedFuture(List.of(group("g", "Stable", 1, offset("t", 0, 1, 2),
                    offset("t", 1, 1, 3), offset("t", 2, 1, 4)))));
            Scrape s = new Scrape(metrics.scrape());
            assertThat(s.find("kelpie_group_lag")).isEmpty();
            assertThat(s.find("kelpie_group_committed_offset")).isEmpty();
            assertThat(s.value("kelpie_group_topic_lag", "group", "g", "topic", "t")).hasValue(6);
        }
    }
}
