package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * A topic written and read by a well-behaved client between bad inputs. {@link #roundTrip} proves, on a fresh
 * connection, that the broker still serves (a produce with acks=all and a fetch); {@link #assertIntact} that
 * every record acknowledged so far is still there, unchanged and in order.
 *
 * <p>Also holds the raw Produce and Fetch helpers the bad-input tests share. Not thread-safe.
 */
final class Canary {
    static final int PRODUCE_VERSION = 12;
    static final int FETCH_VERSION = 12;

    private final EmbeddedBroker broker;
    private final String topic;
    private final List<String> acknowledged = new ArrayList<>();

    Canary(EmbeddedBroker broker, String topic) {
        this.broker = broker;
        this.topic = topic;
    }

    void create() throws Exception {
        broker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }

    String topic() {
        return topic;
    }

    /** Records values a test appended itself, acknowledged by the broker. */
    void acknowledged(List<String> values) {
        acknowledged.addAll(values);
    }

    /** Reads the whole topic back on a new connection: exactly the acknowledged values, in order. */
    void assertIntact() {
        try (RawClient client = new RawClient(broker.port())) {
            assertSameValues(fetchValues(client, topic, 0, 0));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Compares without printing whole values, which may be megabytes of a bomb that got in. */
    private void assertSameValues(List<String> actual) {
        for (int i = 0; i < Math.min(actual.size(), acknowledged.size()); i++) {
            assertThat(abbreviated(actual.get(i))).as("%s offset %d", topic, i)
                    .isEqualTo(abbreviated(acknowledged.get(i)));
        }
        assertThat(actual.size()).as("%s records (last %s)", topic,
                actual.isEmpty() ? "-" : abbreviated(actual.get(actual.size() - 1)))
                .isEqualTo(acknowledged.size());
    }

    private static String abbreviated(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...(" + value.length() + " chars)";
    }

    /**
     * On a new connection, produces one record with acks=all and fetches it back at the offset it was given
     * (the next one: nothing else was appended). {@link #assertIntact} re-reads everything.
     */
    void roundTrip() {
        try (RawClient client = new RawClient(broker.port())) {
            String value = topic + "-" + acknowledged.size();
            PartitionProduceResponse produced = produce(client, PRODUCE_VERSION, topic, 0, -1,
                    BadBatches.valid(Compression.NONE, value));
            assertThat(produced.errorCode()).as("canary produce: %s", produced.errorMessage())
                    .isEqualTo(Errors.NONE.code());
            assertThat(produced.baseOffset()).isEqualTo(acknowledged.size());
            acknowledged.add(value);
            assertThat(fetchValues(client, topic, 0, produced.baseOffset())).containsExactly(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static PartitionProduceResponse produce(RawClient client, int version, String topic, int partition, int acks,
            ByteBuffer records) {
        ProduceResponse response = client.send(ApiKeys.PRODUCE, version, produceRequest(topic, partition, acks,
                records));
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    static ProduceRequestData produceRequest(String topic, int partition, int acks, ByteBuffer records) {
        TopicProduceData t = new TopicProduceData().setName(topic).setPartitionData(List.of(
                new PartitionProduceData().setIndex(partition).setRecords(MemoryRecords.readableRecords(
                        records.duplicate()))));
        return new ProduceRequestData().setAcks((short) acks).setTimeoutMs(10_000)
                .setTopicData(new TopicProduceDataCollection(List.of(t).iterator()));
    }

    static FetchRequestData fetchRequest(String topic, int partition, long offset, int partitionMaxBytes,
            int maxBytes) {
        return new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(maxBytes).setSessionId(0)
                .setSessionEpoch(-1).setTopics(List.of(new FetchTopic().setTopic(topic).setPartitions(List.of(
                        new FetchPartition().setPartition(partition).setFetchOffset(offset)
                                .setPartitionMaxBytes(partitionMaxBytes)))));
    }

    static PartitionData fetch(RawClient client, FetchRequestData request) {
        FetchResponse response = client.send(ApiKeys.FETCH, FETCH_VERSION, request);
        assertThat(response.error()).isEqualTo(Errors.NONE);
        return response.data().responses().get(0).partitions().get(0);
    }

    /** Every value of {@code topic}-{@code partition} from {@code offset} up to the high watermark. */
    static List<String> fetchValues(RawClient client, String topic, int partition, long offset) {
        List<String> values = new ArrayList<>();
        long next = offset;
        while (true) {
            PartitionData data = fetch(client, fetchRequest(topic, partition, next, 8 * 1024 * 1024,
                    16 * 1024 * 1024));
            assertThat(data.errorCode()).isEqualTo(Errors.NONE.code());
            List<String> batch = values((MemoryRecords) data.records(), next);
            values.addAll(batch);
            next += batch.size();
            if (batch.isEmpty() || next >= data.highWatermark()) {
                return values;
            }
        }
    }

    static List<String> values(MemoryRecords records, long fromOffset) {
        List<String> values = new ArrayList<>();
        for (Record r : records.records()) {
            if (r.offset() >= fromOffset) {
                values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            }
        }
        return values;
    }
}
