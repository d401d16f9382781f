package dev.kelpie.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.log.FileSlice;
import dev.kelpie.broker.protocol.KafkaWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link NetworkServer} over real sockets: zero-copy sends, lifecycle and graceful shutdown. */
class NetworkServerTest {
    private static final short FETCH_V = 18;
    private static final long DRAIN_MS_MAX = 1_000;

    @TempDir
    Path dir;

    private AnsweringHandler handler;
    private NetworkServer server;

    @BeforeEach
    void start() {
        handler = new AnsweringHandler(TestChannel.API_VERSIONS);
        server = new NetworkServer(config(0), handler, TestChannel.API_VERSIONS, Clock.SYSTEM);
        server.start();
        handler.advertisedPort = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(NetworkServer.Transport.class)
    void sendsFileSlicesWithoutCopyingAndReleasesThemOnce(NetworkServer.Transport transport) throws IOException {
        server.close();
        server = new NetworkServer(config(0), handler, TestChannel.API_VERSIONS, Clock.SYSTEM, transport);
        server.start();
        MemoryRecords records = manyRecords(2_000, 2_048);
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = segmentHolding(records)) {
            handler.fetch = request -> fetchResponse(new FileSlice(file, 0, records.sizeInBytes(),
                    releases::incrementAndGet));
            try (RawClient client = RawClient.connect(server.port())) {
                client.send(fetch(1));

                KafkaWire.Response response = client.read(ApiKeys.FETCH, FETCH_V);

                assertThat(response.correlationId()).isEqualTo(1);
                MemoryRecords received = (MemoryRecords) ((FetchResponse) response.body()).data().responses().get(0)
                        .partitions().get(0).records();
                assertThat(received.sizeInBytes()).isEqualTo(records.sizeInBytes());
                assertThat(received.buffer()).isEqualTo(records.buffer());
                client.apiVersions(2);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(releases).hasValue(1));
            assertThat(file.isOpen()).isTrue();
        }
    }

    @Test
    void releasesFileSlicesOnceWhenTheClientVanishesMidResponse() throws IOException {
        MemoryRecords records = manyRecords(500, 8_192);
        AtomicInteger releases = new AtomicInteger();
        AtomicInteger fetches = new AtomicInteger();
        try (FileChannel file = segmentHolding(records)) {
            handler.fetch = request -> {
                fetches.incrementAndGet();
                return fetchResponse(new FileSlice(file, 0, records.sizeInBytes(), releases::incrementAndGet));
            };
            for (int i = 0; i < 20; i++) {
                try (RawClient client = RawClient.connect(server.port(), 4096)) {
                    client.send(fetch(1), fetch(2), fetch(3));
                }
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(releases.get()).isEqualTo(fetches.get());
                assertThat(server.stats().connections()).isZero();
            });
            assertThat(fetches.get()).isPositive();
            assertThat(file.isOpen()).isTrue();
        }
    }

    @Test
    void closeLetsInFlightResponsesFinishThenClosesConnections() {
        try (RawClient client = RawClient.connect(server.port())) {
            client.send(KafkaWire.request(ApiKeys.DESCRIBE_CLUSTER, (short) 1, 5, new DescribeClusterRequestData()));
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.held.containsKey(5));

            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> !accepting(server.port()));
            assertThat(closing).isNotDone();

            handler.held.get(5).complete(handler.describeCluster());

            KafkaWire.Response response = client.read(ApiKeys.DESCRIBE_CLUSTER, (short) 1);
            assertThat(response.correlationId()).isEqualTo(5);
            assertThat(((DescribeClusterResponse) response.body()).data().clusterId())
                    .isEqualTo(AnsweringHandler.CLUSTER_ID);
            client.assertClosedByServer();
            closing.join();
        }
    }

    @Test
    void closeCutsConnectionsStillBusyAtTheDeadlineAndReleasesLateFileSlices() throws IOException {
        handler.hold = EnumSet.of(ApiKeys.FETCH);
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = segmentHolding(manyRecords(1, 100));
                RawClient client = RawClient.connect(server.port())) {
            client.send(fetch(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.held.containsKey(1));

            long startNs = System.nanoTime();
            server.close();
            long closeMs = (System.nanoTime() - startNs) / 1_000_000;

            assertThat(closeMs).isGreaterThanOrEqualTo(DRAIN_MS_MAX - 50);
            client.assertClosedByServer();
            handler.held.get(1).complete(fetchResponse(new FileSlice(file, 0, 10, releases::incrementAndGet)));
            assertThat(releases).hasValue(1);
        }
    }

    @Test
    void bindsAnEphemeralPortAndReportsBindFailures() {
        assertThat(server.port()).isPositive();
        assertThat(server.boundAddress().getAddress().isLoopbackAddress()).isTrue();

        NetworkServer clash = new NetworkServer(config(server.port()), handler, TestChannel.API_VERSIONS,
                Clock.SYSTEM);
        assertThatThrownBy(clash::start).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(String.valueOf(server.port()));
        clash.close();

        NetworkServer unstarted = new NetworkServer(config(0), handler, TestChannel.API_VERSIONS, Clock.SYSTEM);
        assertThatThrownBy(unstarted::port).isInstanceOf(IllegalStateException.class);
        unstarted.close();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    private static boolean accepting(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] fetch(int correlationId) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(64 << 20).setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(new Uuid(7, 7))
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                .setPartitionMaxBytes(64 << 20)))));
        return KafkaWire.request(ApiKeys.FETCH, FETCH_V, correlationId, data);
    }

    private static FetchResponse fetchResponse(org.apache.kafka.common.record.internal.BaseRecords records) {
        FetchResponseData data = new FetchResponseData();
        data.responses().add(new FetchResponseData.FetchableTopicResponse().setTopicId(new Uuid(7, 7))
                .setPartitions(List.of(new FetchResponseData.PartitionData().setPartitionIndex(0)
                        .setHighWatermark(1_000_000).setRecords(records))));
        return FetchResponse.of(data);
    }

    /** Batches of 10 records of {@code valueBytes} each, {@code count} records in all. */
    private static MemoryRecords manyRecords(int count, int valueBytes) {
        ByteBuffer all = ByteBuffer.allocate(count * (valueBytes + 128) + 1024);
        long offset = 0;
        for (int done = 0; done < count; done += 10) {
            int batch = Math.min(10, count - done);
            SimpleRecord[] simple = new SimpleRecord[batch];
            for (int i = 0; i < batch; i++) {
                byte[] value = new byte[valueBytes];
                java.util.Arrays.fill(value, (byte) (done + i));
                simple[i] = new SimpleRecord(value);
            }
            MemoryRecords records = MemoryRecords.withRecords(RecordBatch.CURRENT_MAGIC_VALUE, offset, Compression.NONE,
                    simple);
            all.put(records.buffer());
            offset += batch;
        }
        all.flip();
        return MemoryRecords.readableRecords(all);
    }

    private FileChannel segmentHolding(MemoryRecords records) throws IOException {
        Path path = Files.createTempFile(dir, "segment", ".log");
        try (FileChannel writer = FileChannel.open(path, StandardOpenOption.WRITE)) {
            writer.write(records.buffer());
            writer.force(true);
        }
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    private static NetworkConfig config(int port) {
        return new NetworkConfig("127.0.0.1", port, "PLAINTEXT", 1024 * 1024, 60_000, 10_000, 1_000, 1_000, 5,
                64 * 1024, 2, DRAIN_MS_MAX);
    }
}
