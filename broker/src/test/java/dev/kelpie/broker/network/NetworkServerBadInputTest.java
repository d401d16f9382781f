package dev.kelpie.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.protocol.KafkaWire;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Raw-socket bad input against a real {@link NetworkServer} (reliability-and-bad-input.md §5): each case gets
 * Kafka's documented answer or a closed connection, and the server keeps serving another client.
 */
class NetworkServerBadInputTest {
    private static final int REQUEST_BYTES_MAX = 1024 * 1024;
    private static final long READ_TIMEOUT_MS = 300;
    private static final int OUTBOUND_BYTES_MAX = 64 * 1024;
    private static final int IN_FLIGHT_MAX = 5;

    private AnsweringHandler handler;
    private NetworkServer server;

    @BeforeEach
    void start() {
        handler = new AnsweringHandler(TestChannel.API_VERSIONS);
        server = new NetworkServer(config(100), handler, TestChannel.API_VERSIONS, Clock.SYSTEM);
        server.start();
        handler.advertisedPort = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void closesOnNegativeZeroTinyOrOversizedDeclaredSizesWithoutWaitingForTheBody() {
        int[] declared = {-1, Integer.MIN_VALUE, 0, 1, NetworkConfig.REQUEST_BYTES_MIN - 1, REQUEST_BYTES_MAX + 1,
            Integer.MAX_VALUE};
        for (int size : declared) {
            try (RawClient bad = RawClient.connect(server.port())) {
                bad.send(KafkaWire.sizePrefix(size));
                bad.assertClosedByServer();
            }
        }
        assertServesAnotherClient();
    }

    @Test
    void closesAFrameThatStallsAfterTheReadDeadline() {
        try (RawClient stalling = RawClient.connect(server.port())) {
            byte[] request = KafkaWire.request(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData());
            long startNs = System.nanoTime();
            stalling.send(Arrays.copyOf(request, request.length - 3));

            stalling.assertClosedByServer();

            long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
            assertThat(elapsedMs).isGreaterThanOrEqualTo(READ_TIMEOUT_MS - 50);
        }
        assertThat(handler.metadataRequests).hasValue(0);
        assertServesAnotherClient();
    }

    @Test
    void closesOnAnUnknownApiKey() {
        try (RawClient bad = RawClient.connect(server.port())) {
            bad.send(KafkaWire.rawRequest(4242, 0, 1, new byte[8]));
            bad.assertClosedByServer();
        }
        assertServesAnotherClient();
    }

    @Test
    void answersATooNewApiVersionsWithV0UnsupportedVersionListingOurApis() {
        try (RawClient client = RawClient.connect(server.port())) {
            client.send(KafkaWire.request(ApiKeys.API_VERSIONS, (short) 99, 7, new ApiVersionsRequestData()
                    .setClientSoftwareName("future-client").setClientSoftwareVersion("99.0")));

            KafkaWire.Response response = client.read(ApiKeys.API_VERSIONS, (short) 0);

            assertThat(response.correlationId()).isEqualTo(7);
            ApiVersionsResponse body = (ApiVersionsResponse) response.body();
            assertThat(body.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(body.data().apiKeys()).extracting(ApiVersion::apiKey).containsExactlyInAnyOrderElementsOf(
                    TestChannel.API_VERSIONS.implemented().stream().map(key -> key.id).toList());
            ApiVersion apiVersions = body.data().apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(apiVersions.maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
            // The client retries with our maximum on the same connection.
            client.apiVersions(8);
        }
    }

    @Test
    void closesOnUnsupportedVersionsOfOtherApis() {
        try (RawClient bad = RawClient.connect(server.port())) {
            bad.send(KafkaWire.request(ApiKeys.METADATA, (short) 99, 1, new MetadataRequestData()));
            bad.assertClosedByServer();
        }
        try (RawClient oldProducer = RawClient.connect(server.port())) {
            oldProducer.send(KafkaWire.rawRequest(ApiKeys.PRODUCE.id, 2, 1, new byte[16]));
            oldProducer.assertClosedByServer();
        }
        assertServesAnotherClient();
    }

    @Test
    void closesOnTruncatedOrMalformedHeaders() {
        byte[] clientIdBeyondFrame = KafkaWire.frame(ByteBuffer.wrap(ByteBuffer.allocate(12).putShort(ApiKeys.METADATA.id)
                .putShort((short) 1).putInt(1).putShort((short) 1000).putShort((short) 0).array()));
        byte[] negativeClientId = KafkaWire.frame(ByteBuffer.wrap(ByteBuffer.allocate(14).putShort(ApiKeys.METADATA.id)
                .putShort((short) 1).putInt(1).putShort((short) -7).putInt(0).array()));
        for (byte[] frame : List.of(clientIdBeyondFrame, negativeClientId)) {
            try (RawClient bad = RawClient.connect(server.port())) {
                bad.send(frame);
                bad.assertClosedByServer();
            }
        }
        assertServesAnotherClient();
    }

    @Test
    void closesOnGarbageBodies() {
        byte[] clientId = KafkaWire.CLIENT_ID.getBytes(StandardCharsets.UTF_8);
        ByteBuffer overlongVarint = ByteBuffer.allocate(10 + clientId.length + 1 + 6);
        overlongVarint.putShort(ApiKeys.METADATA.id).putShort((short) 12).putInt(1).putShort((short) clientId.length)
                .put(clientId).put((byte) 0).put(new byte[] {-1, -1, -1, -1, -1, -1}).flip();
        try (RawClient bad = RawClient.connect(server.port())) {
            bad.send(KafkaWire.frame(overlongVarint));
            bad.assertClosedByServer();
        }
        assertThat(handler.metadataRequests).hasValue(0);
        assertServesAnotherClient();
    }

    @Test
    void closesOnAbsurdArrayLengths() {
        // RequestParserTest measures that rejecting one allocates almost nothing.
        for (int i = 0; i < 20; i++) {
            try (RawClient bad = RawClient.connect(server.port())) {
                // Metadata v1: int32 topic count 2^31-1, then nothing.
                bad.send(KafkaWire.rawRequest(ApiKeys.METADATA.id, 1, 1,
                        ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array()));
                bad.assertClosedByServer();
            }
        }
        assertThat(handler.metadataRequests).hasValue(0);
        assertServesAnotherClient();
    }

    @Test
    void boundsWhatAClientThatNeverReadsCanMakeUsHold() throws Exception {
        handler.allTopicsCount = 1_000;
        byte[] allTopics = KafkaWire.request(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData().setTopics(null));
        int responseBytes = metadataResponseBytes(allTopics);
        RawClient greedy = RawClient.connect(server.port(), 4096);
        try {
            // 100k requests asking for ~30 GB of responses, written until the kernel stops taking them.
            byte[][] hundred = new byte[100][];
            Arrays.fill(hundred, allTopics);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 1_000; i++) {
                        greedy.send(hundred);
                    }
                } catch (UncheckedIOException closed) {
                    // the test closed the socket
                }
            });
            writer.start();

            // Responses fill both kernel buffers, then Netty's queue past the high water mark; reading stops.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                NetworkStats stats = server.stats();
                assertThat(stats.connectionsReadPaused()).isEqualTo(1);
                assertThat(stats.outboundBytesPending()).isGreaterThanOrEqualTo(OUTBOUND_BYTES_MAX);
            });
            int answered = handler.metadataRequests.get();
            long boundBytes = OUTBOUND_BYTES_MAX + (long) (IN_FLIGHT_MAX + 1) * responseBytes;
            assertThat(server.stats().outboundBytesPending()).isLessThanOrEqualTo(boundBytes);

            assertServesAnotherClient();
            assertThat(handler.metadataRequests.get()).isEqualTo(answered);
            assertThat(server.stats().outboundBytesPending()).isLessThanOrEqualTo(boundBytes);

            greedy.close();
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();
        } finally {
            greedy.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(server.stats().connections()).isZero();
            assertThat(server.stats().outboundBytesPending()).isZero();
        });
    }

    @Test
    void refusesConnectionsBeyondTheLimitPerIpAndServesThemOnceSlotsFree() {
        server.close();
        server = new NetworkServer(config(2), handler, TestChannel.API_VERSIONS, Clock.SYSTEM);
        server.start();
        List<RawClient> clients = new ArrayList<>();
        try {
            clients.add(RawClient.connect(server.port()));
            clients.add(RawClient.connect(server.port()));
            clients.get(0).apiVersions(1);
            clients.get(1).apiVersions(1);
            try (RawClient third = RawClient.connect(server.port())) {
                third.assertClosedByServer();
            }
            assertThat(server.stats().connectionsRefused()).isEqualTo(1);

            clients.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(server.stats().connections()).isEqualTo(1));
            try (RawClient fourth = RawClient.connect(server.port())) {
                fourth.apiVersions(2);
            }
        } finally {
            clients.forEach(RawClient::close);
        }
    }

    private int metadataResponseBytes(byte[] request) {
        try (RawClient probe = RawClient.connect(server.port())) {
            probe.send(request);
            int bytes = probe.readFrame().remaining() + Integer.BYTES;
            handler.metadataRequests.set(0);
            return bytes;
        }
    }

    private void assertServesAnotherClient() {
        try (RawClient good = RawClient.connect(server.port())) {
            ApiVersionsResponse response = good.apiVersions(99);
            assertThat(response.data().apiKeys()).hasSize(TestChannel.API_VERSIONS.implemented().size());
        }
    }

    private static NetworkConfig config(int connectionsPerIpMax) {
        return new NetworkConfig("127.0.0.1", 0, "PLAINTEXT", REQUEST_BYTES_MAX, 60_000, READ_TIMEOUT_MS, 1_000,
                connectionsPerIpMax, IN_FLIGHT_MAX, OUTBOUND_BYTES_MAX, 2, 2_000);
    }
}
