package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.log.InboundAppends;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad record batches and idempotence abuse against the whole broker over real sockets
 * (reliability-and-bad-input.md §5 items 9–11): Produce requests encoded by kafka-clients whose batches are then
 * corrupted byte by byte. Each case gets Kafka's error code for its partition (the connection stays open); after
 * each, a well-behaved client still produces and fetches, the victim topic holds exactly its acknowledged records
 * and nothing was appended by the bad batch. Decompression bombs are also measured: bytes the broker allocates
 * while rejecting one.
 */
class ProduceBadInputTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    private static final int MIB = 1024 * 1024;
    /** Where a v2 batch header holds the producer id. */
    private static final int PRODUCER_ID_OFFSET = 43;
    private static final int BASE_SEQUENCE_OFFSET = 53;
    /** What rejecting one bomb may allocate: the 64 MiB inflation cap, twice, plus slack. */
    private static final long BOMB_ALLOCATION_MAX_BYTES = 200L * MIB;
    /** CPU (all threads) rejecting one bomb may take: inflating 64 MiB takes well under a second. */
    private static final long BOMB_CPU_MS_MAX = 5_000;

    private static final Canary CANARY = new Canary(BROKER, "canary");
    private static final Canary VICTIM = new Canary(BROKER, "victim");
    private static final HeapProbe.Barrage BARRAGE = new HeapProbe.Barrage();

    @BeforeAll
    static void topics() throws Exception {
        CANARY.create();
        VICTIM.create();
        BROKER.admin().createTopics(List.of(
                new NewTopic("small", 1, (short) 1).configs(Map.of("max.message.bytes", "1024")),
                new NewTopic("recompressed", 1, (short) 1).configs(Map.of("compression.type", "uncompressed")),
                new NewTopic("idem", 1, (short) 1))).all().get();
        try (RawClient client = new RawClient(BROKER.port())) {
            PartitionProduceResponse r = Canary.produce(client, 12, "victim", 0, -1,
                    BadBatches.valid(Compression.NONE, "before-1", "before-2"));
            assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
            VICTIM.acknowledged(List.of("before-1", "before-2"));
        }
        CANARY.roundTrip();
        BARRAGE.start();
    }

    @AfterAll
    static void report() {
        long heapGrowthBytes = BARRAGE.report();
        InboundAppends inbound = BROKER.server().partitionManager().logManager().inboundAppends();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(inbound.onTheirWay())
                .as("every append handed to a partition thread, refused or not, was counted back").isZero());
        VICTIM.assertIntact();
        CANARY.assertIntact();
        assertThat(heapGrowthBytes).as("heap growth over the barrage").isLessThan(64L * MIB);
    }

    @Test
    void craftedBatchesMatchKafkaClientsEncodingSoTheCorruptionsBelowAreTheOnlyDifference() {
        assertThat(rawRecord(null, 1, "k", 1, "v", 0, new byte[0])).isEqualTo(BadBatches.record(0, "k", "v"));
        ByteBuffer crafted = BadBatches.batch(CompressionType.GZIP, 1, 0, BadBatches.record(0, "k", "crafted"));
        expect("crafted gzip batch (control)", VICTIM.topic(), crafted, Errors.NONE);
        VICTIM.acknowledged(List.of("crafted"));
        VICTIM.assertIntact();
    }

    @Test
    void badCrcIsCorruptMessage() {
        ByteBuffer batch = BadBatches.valid(Compression.NONE, "a", "b", "c");
        batch.put(batch.limit() - 2, (byte) (batch.get(batch.limit() - 2) ^ 0x5a));
        expectRejected("CRC-32C mismatch (value byte flipped)", batch, Errors.CORRUPT_MESSAGE);
        ByteBuffer header = BadBatches.valid(Compression.gzip().build(), "a", "b");
        header.putLong(PRODUCER_ID_OFFSET, 12345L);
        expectRejected("CRC-32C mismatch (producer id changed)", header, Errors.CORRUPT_MESSAGE);
    }

    @Test
    void magicOtherThanTwo() {
        expectRejected("magic 0", withMagic(0), Errors.INVALID_RECORD);
        expectRejected("magic 1", withMagic(1), Errors.INVALID_RECORD);
        expectRejected("magic 3", withMagic(3), Errors.CORRUPT_MESSAGE);
        expectRejected("magic -1", withMagic(-1), Errors.CORRUPT_MESSAGE);
    }

    @Test
    void batchLengthThatDisagreesWithTheBytes() {
        expectRejected("batchLength +100 (beyond the bytes sent)", withLength(100, false), Errors.INVALID_RECORD);
        expectRejected("batchLength -5, CRC not fixed", withLength(-5, false), Errors.CORRUPT_MESSAGE);
        expectRejected("batchLength -5, CRC fixed", withLength(-5, true), Errors.INVALID_RECORD);
        for (int length : new int[] {0, -1, 1, DefaultRecordBatch.RECORD_BATCH_OVERHEAD - Records.LOG_OVERHEAD - 1}) {
            ByteBuffer batch = BadBatches.valid(Compression.NONE, "a", "b", "c");
            batch.putInt(Records.SIZE_OFFSET, length);
            expectRejected("batchLength " + length, batch, Errors.CORRUPT_MESSAGE);
        }
        ByteBuffer huge = BadBatches.valid(Compression.NONE, "a", "b", "c");
        huge.putInt(Records.SIZE_OFFSET, Integer.MAX_VALUE);
        // kafka-clients' batch iterator overflows on this length (IllegalArgumentException): CORRUPT_MESSAGE here.
        expectRejected("batchLength 2^31-1", huge, Errors.CORRUPT_MESSAGE);
    }

    @Test
    void recordCountOrLastOffsetDeltaThatLies() {
        int[][] countAndDelta = {{5, 2}, {1, 2}, {0, 2}, {-1, 2}, {Integer.MAX_VALUE, 2}, {3, 7}, {3, -1},
            {5, 4}, {2, 1}};
        for (int[] cd : countAndDelta) {
            for (CompressionType type : List.of(CompressionType.NONE, CompressionType.LZ4)) {
                byte[] records = concat(BadBatches.record(0, "k", "a"), BadBatches.record(1, "k", "b"),
                        BadBatches.record(2, "k", "c"));
                ByteBuffer batch = BadBatches.batch(type, cd[0], cd[1], records);
                expectRejected(type.name + " 3 records, count " + cd[0] + ", lastOffsetDelta " + cd[1], batch,
                        Errors.INVALID_RECORD);
            }
        }
        byte[] shuffled = concat(BadBatches.record(0, "k", "a"), BadBatches.record(2, "k", "b"),
                BadBatches.record(1, "k", "c"));
        expectRejected("record offset deltas 0,2,1", BadBatches.batch(CompressionType.NONE, 3, 2, shuffled),
                Errors.INVALID_RECORD);
    }

    @Test
    void negativeOrHugeLengthsInsideRecords() {
        byte[] k = bytes("k");
        byte[] v = bytes("v");
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("record length -3", rawRecord(-3, 1, "k", 1, "v", 0, new byte[0]));
        records.put("record length 2^31-1", rawRecord(Integer.MAX_VALUE, 1, "k", 1, "v", 0, new byte[0]));
        records.put("key length -5", rawRecordBytes(-5, k, 1, v, 0, new byte[0]));
        records.put("key length 2^31-1", rawRecordBytes(Integer.MAX_VALUE, k, 1, v, 0, new byte[0]));
        records.put("value length -3", rawRecordBytes(1, k, -3, v, 0, new byte[0]));
        records.put("value length 2^31-1", rawRecordBytes(1, k, Integer.MAX_VALUE, v, 0, new byte[0]));
        records.put("header count -2", rawRecordBytes(1, k, 1, v, -2, new byte[0]));
        records.put("header count 2^31-1", rawRecordBytes(1, k, 1, v, Integer.MAX_VALUE, new byte[0]));
        records.put("header count 1000000 with one header", rawRecordBytes(1, k, 1, v, 1_000_000, header("h", "x")));
        records.put("header key length -4", rawRecordBytes(1, k, 1, v, 1, varints(-4)));
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            for (CompressionType type : List.of(CompressionType.NONE, CompressionType.GZIP, CompressionType.ZSTD)) {
                expectRejected(type.name + " " + e.getKey(), BadBatches.batch(type, 1, 0, e.getValue()),
                        Errors.INVALID_RECORD);
            }
        }
        // kafka-clients reads any negative header value length as a null value, so Kafka accepts this record.
        byte[] nullHeaderValue = rawRecordBytes(1, k, 1, v, 1, concat(varints(1), bytes("h"), varints(-7)));
        for (CompressionType type : List.of(CompressionType.NONE, CompressionType.GZIP, CompressionType.ZSTD)) {
            expect(type.name + " header value length -7 (read as null, as Kafka does)", VICTIM.topic(),
                    BadBatches.batch(type, 1, 0, nullHeaderValue), Errors.NONE);
            VICTIM.acknowledged(List.of("v"));
        }
        VICTIM.assertIntact();
        CANARY.roundTrip();
    }

    @Test
    void unknownCompressionCodecIsCorruptMessage() {
        for (int codec = 5; codec <= 7; codec++) {
            ByteBuffer batch = BadBatches.valid(Compression.NONE, "a", "b");
            // attributes is an int16; the codec is in the low 3 bits of its second byte
            byte attributes = batch.get(BadBatches.ATTRIBUTES_OFFSET + 1);
            batch.put(BadBatches.ATTRIBUTES_OFFSET + 1, (byte) ((attributes & ~7) | codec));
            BadBatches.fixCrc(batch);
            expectRejected("codec id " + codec + " (Produce v12)", batch, Errors.CORRUPT_MESSAGE);
            expect("codec id " + codec + " (Produce v5)", 5, VICTIM.topic(), batch, Errors.CORRUPT_MESSAGE);
            expect("codec id " + codec + " (topic recompresses)", 12, "recompressed", batch, Errors.CORRUPT_MESSAGE);
        }
        VICTIM.assertIntact();
    }

    @Test
    void truncatedOrGarbledCompressedStreams() {
        String[] values = new String[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = "value-" + i + "-" + "x".repeat(i % 17);
        }
        for (CompressionType type : List.of(CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4,
                CompressionType.ZSTD)) {
            ByteBuffer valid = BadBatches.valid(Compression.of(type).build(), values);
            for (String topic : List.of(VICTIM.topic(), "recompressed")) {
                expect(type.name + " stream cut by 40% (" + topic + ")", 12, topic, truncated(valid, 0.4),
                        Errors.CORRUPT_MESSAGE);
                expect(type.name + " stream cut to 2 bytes (" + topic + ")", 12, topic,
                        truncatedTo(valid, 2), Errors.CORRUPT_MESSAGE);
                expect(type.name + " stream garbled (" + topic + ")", 12, topic, garbled(valid),
                        Errors.CORRUPT_MESSAGE);
            }
        }
        VICTIM.assertIntact();
    }

    @Test
    void decompressionBombsAreRefusedWithBoundedAllocation() {
        // 160 MiB of zeros in a batch of a few kilobytes.
        ByteBuffer zstdBomb = BadBatches.bomb(Compression.zstd().build(), 160, MIB);
        assertThat(zstdBomb.remaining()).isLessThan(64 * 1024);
        expectBomb("zstd batch inflating to 160 MiB", VICTIM.topic(), zstdBomb, Errors.MESSAGE_TOO_LARGE);
        expectBomb("zstd batch inflating to 160 MiB (topic recompresses)", "recompressed", zstdBomb,
                Errors.MESSAGE_TOO_LARGE);
        ByteBuffer gzipBomb = BadBatches.bomb(Compression.gzip().build(), 72, MIB);
        expectBomb("gzip batch inflating to 72 MiB", VICTIM.topic(), gzipBomb, Errors.MESSAGE_TOO_LARGE);
        // One record that declares a 2 GB body: no buffer of that size may be allocated for it.
        byte[] liar = concat(varints(2_000_000_000), new byte[64]);
        for (CompressionType type : List.of(CompressionType.GZIP, CompressionType.ZSTD)) {
            ByteBuffer batch = BadBatches.batch(type, 1, 0, liar);
            expectBomb(type.name + " record declaring a 2 GB body", VICTIM.topic(), batch, Errors.INVALID_RECORD);
            expectBomb(type.name + " record declaring a 2 GB body (topic recompresses)", "recompressed", batch,
                    Errors.INVALID_RECORD);
        }
        // snappy-java allocates what a chunk header declares before reading it.
        byte[] snappyHeader = Arrays.copyOf(BadBatches.region(BadBatches.valid(Compression.snappy().build(), "a")),
                16);
        Map<String, byte[]> snappy = new LinkedHashMap<>();
        snappy.put("snappy chunk declaring 500 MB", concat(snappyHeader, ints(500_000_000), new byte[32]));
        snappy.put("snappy chunk declaring -8 bytes", concat(snappyHeader, ints(-8), new byte[32]));
        snappy.put("snappy block declaring 2 GB uncompressed", concat(snappyHeader, ints(8),
                varints(1_000_000_000), new byte[3]));
        snappy.put("headerless snappy block declaring 2 GB uncompressed", concat(varints(1_000_000_000),
                new byte[20]));
        for (Map.Entry<String, byte[]> e : snappy.entrySet()) {
            ByteBuffer batch = BadBatches.withRegion(CompressionType.SNAPPY, 1, 0, e.getValue());
            Errors expected = e.getKey().contains("uncompressed") ? Errors.MESSAGE_TOO_LARGE : Errors.CORRUPT_MESSAGE;
            expectBomb(e.getKey(), VICTIM.topic(), batch, expected);
            expectBomb(e.getKey() + " (topic recompresses)", "recompressed", batch, expected);
        }
        // One real 100 MiB record.
        ByteBuffer oneBig = BadBatches.bomb(Compression.zstd().build(), 1, 100 * MIB);
        expectBomb("zstd single record of 100 MiB", VICTIM.topic(), oneBig, Errors.INVALID_RECORD);
        VICTIM.assertIntact();
    }

    @Test
    void batchOverMaxMessageBytesIsMessageTooLarge() {
        ByteBuffer batch = BadBatches.valid(Compression.NONE, "x".repeat(2000));
        expect("2 KB batch on max.message.bytes=1024", 12, "small", batch, Errors.MESSAGE_TOO_LARGE);
        // Within the limit compressed, but recompression is not asked for: accepted as Kafka does.
        ByteBuffer fits = BadBatches.valid(Compression.gzip().build(), "y".repeat(4000));
        assertThat(fits.remaining()).isLessThan(1024);
        expect("gzip batch of 4 KB inflating, 200 B on the wire, max.message.bytes=1024", 12, "small", fits,
                Errors.NONE);
    }

    @Test
    void twoBatchesOrTrailingBytesInOnePartition() {
        ByteBuffer first = BadBatches.valid(Compression.NONE, "a");
        ByteBuffer second = BadBatches.valid(Compression.NONE, "b");
        ByteBuffer two = ByteBuffer.wrap(concat(array(first), array(second)));
        expectRejected("two batches in one partition (v12)", two, Errors.INVALID_RECORD);
        expect("two batches in one partition (v3)", 3, VICTIM.topic(), two, Errors.INVALID_RECORD);
        ByteBuffer trailing = ByteBuffer.wrap(concat(array(first), new byte[] {1, 2, 3, 4, 5, 6, 7}));
        expectRejected("batch followed by 7 stray bytes", trailing, Errors.CORRUPT_MESSAGE);
        expectRejected("empty records", ByteBuffer.allocate(0), Errors.INVALID_RECORD);
    }

    @Test
    void idempotenceAbuse() {
        try (RawClient client = new RawClient(BROKER.port())) {
            InitProducerIdResponse empty = initProducerId(client, "", -1, -1);
            BARRAGE.observe("InitProducerId with an empty transactional id", empty.error().name());
            assertThat(empty.error()).isEqualTo(Errors.INVALID_REQUEST);
            InitProducerIdResponse init = initProducerId(client, null, -1, -1);
            assertThat(init.error()).isEqualTo(Errors.NONE);
            long pid = init.data().producerId();
            short epoch = init.data().producerEpoch();
            List<Long> offsets = new ArrayList<>();
            List<String> acked = new ArrayList<>();
            for (int seq = 0; seq < 7; seq++) {
                PartitionProduceResponse r = idem(client, pid, epoch, seq, "s" + seq);
                assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
                offsets.add(r.baseOffset());
                acked.add("s" + seq);
            }
            check("sequence gap (7 expected after 6, 9 sent)", idem(client, pid, epoch, 9, "gap"),
                    Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            PartitionProduceResponse replay = idem(client, pid, epoch, 4, "s4");
            check("replay of sequence 4 (retained)", replay, Errors.NONE);
            assertThat(replay.baseOffset()).isEqualTo(offsets.get(4));
            check("replay of sequence 0 (older than the 5 retained)", idem(client, pid, epoch, 0, "s0"),
                    Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
            ByteBuffer negative = BadBatches.idempotent(pid, epoch, 0, "neg");
            negative.putInt(BASE_SEQUENCE_OFFSET, -5);
            check("negative base sequence", Canary.produce(client, 12, "idem", 0, -1,
                    BadBatches.fixCrc(negative)), Errors.INVALID_RECORD);
            short next = (short) (epoch + 1);
            check("new epoch starting at sequence 3", idem(client, pid, next, 3, "e1"),
                    Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);

            assertThat(initProducerId(client, null, pid, epoch).data().producerEpoch()).isEqualTo(next);
            check("first batch of the bumped epoch", idem(client, pid, next, 0, "e1-0"), Errors.NONE);
            acked.add("e1-0");
            check("stale epoch after the bump", idem(client, pid, epoch, 7, "stale"), Errors.INVALID_PRODUCER_EPOCH);
            InitProducerIdResponse unknown = initProducerId(client, null, 987_654_321L, 0);
            BARRAGE.observe("InitProducerId with an id never handed out", unknown.error().name());
            assertThat(unknown.error()).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
            // Kafka accepts any sequence from a producer id it has no state for (its state may have expired).
            check("produce from an unknown producer id, sequence 5", idem(client, 987_654_321L, (short) 0, 5, "u"),
                    Errors.NONE);
            acked.add("u");
            assertThat(Canary.fetchValues(client, "idem", 0, 0)).isEqualTo(acked);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CANARY.assertIntact();
    }

    // ------------------------------------------------------------------ helpers

    private static InitProducerIdResponse initProducerId(RawClient client, String transactionalId, long producerId,
            int epoch) {
        return client.send(ApiKeys.INIT_PRODUCER_ID, 5, new InitProducerIdRequestData()
                .setTransactionalId(transactionalId).setTransactionTimeoutMs(60_000).setProducerId(producerId)
                .setProducerEpoch((short) epoch));
    }

    private static PartitionProduceResponse idem(RawClient client, long pid, short epoch, int seq, String value) {
        return Canary.produce(client, 12, "idem", 0, -1, BadBatches.idempotent(pid, epoch, seq, value));
    }

    private static void row(String name, PartitionProduceResponse r, Errors expected) {
        BARRAGE.observe(name, Errors.forCode(r.errorCode()).name() + (r.errorCode() == 0 ? " @" + r.baseOffset() : ""));
        assertThat(Errors.forCode(r.errorCode())).as(name + ": " + r.errorMessage()).isEqualTo(expected);
    }

    /** Produces {@code batch} to the victim topic: rejected with {@code expected}, nothing appended, broker fine. */
    private static void expectRejected(String name, ByteBuffer batch, Errors expected) {
        expect(name, 12, VICTIM.topic(), batch, expected);
        VICTIM.assertIntact();
    }

    private static void expect(String name, String topic, ByteBuffer batch, Errors expected) {
        expect(name, 12, topic, batch, expected);
    }

    /** Produces {@code batch}, expects {@code expected}, then checks another client is still served. */
    private static void expect(String name, int version, String topic, ByteBuffer batch, Errors expected) {
        try (RawClient client = new RawClient(BROKER.port())) {
            PartitionProduceResponse r = Canary.produce(client, version, topic, 0, -1, batch);
            row(name, r, expected);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CANARY.roundTrip();
    }

    /** {@link #row}, then checks another client is still served. */
    private static void check(String name, PartitionProduceResponse r, Errors expected) {
        row(name, r, expected);
        CANARY.roundTrip();
    }

    private static void expectBomb(String name, String topic, ByteBuffer batch, Errors expected) {
        AtomicReference<PartitionProduceResponse> response = new AtomicReference<>();
        HeapProbe.Cost cost = HeapProbe.measure(() -> {
            try (RawClient client = new RawClient(BROKER.port())) {
                response.set(Canary.produce(client, 12, topic, 0, -1, batch));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        row(name, response.get(), expected);
        BARRAGE.observe(name, BARRAGE.observed(name) + " (" + cost + ")");
        assertThat(cost.allocatedBytes()).as(name + ": bytes allocated while rejecting it")
                .isLessThan(BOMB_ALLOCATION_MAX_BYTES);
        assertThat(cost.cpuMs()).as(name + ": CPU ms spent rejecting it").isLessThan(BOMB_CPU_MS_MAX);
        CANARY.roundTrip();
    }

    private static ByteBuffer withMagic(int magic) {
        ByteBuffer batch = BadBatches.valid(Compression.NONE, "a", "b", "c");
        batch.put(Records.MAGIC_OFFSET, (byte) magic);
        return batch;
    }

    private static ByteBuffer withLength(int delta, boolean fixCrc) {
        ByteBuffer batch = BadBatches.valid(Compression.NONE, "a", "b", "c");
        batch.putInt(Records.SIZE_OFFSET, batch.getInt(Records.SIZE_OFFSET) + delta);
        if (fixCrc) {
            BadBatches.fixCrc(batch);
        }
        return batch;
    }

    private static ByteBuffer truncated(ByteBuffer valid, double fraction) {
        int region = valid.remaining() - DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        return truncatedTo(valid, (int) (region * (1 - fraction)));
    }

    /** {@code valid} with its records region cut to {@code regionBytes}; length and CRC made consistent. */
    private static ByteBuffer truncatedTo(ByteBuffer valid, int regionBytes) {
        ByteBuffer cut = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD + regionBytes);
        cut.put(valid.duplicate().limit(cut.capacity())).flip();
        cut.putInt(Records.SIZE_OFFSET, cut.capacity() - Records.LOG_OVERHEAD);
        return BadBatches.fixCrc(cut);
    }

    private static ByteBuffer garbled(ByteBuffer valid) {
        ByteBuffer copy = BadBatches.copy(valid);
        java.util.Random random = new java.util.Random(42);
        for (int i = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + 16; i < copy.limit(); i += 7) {
            copy.put(i, (byte) random.nextInt());
        }
        return BadBatches.fixCrc(copy);
    }

    /**
     * A v2 record written field by field with the given (possibly lying) lengths; {@code declaredLength} null
     * means the true body length.
     */
    private static byte[] rawRecord(Integer declaredLength, int keyLength, String key, int valueLength, String value,
            int headerCount, byte[] headers) {
        byte[] body = body(keyLength, bytes(key), valueLength, bytes(value), headerCount, headers);
        return concat(varints(declaredLength == null ? body.length : declaredLength), body);
    }

    private static byte[] rawRecordBytes(int keyLength, byte[] key, int valueLength, byte[] value, int headerCount,
            byte[] headers) {
        byte[] body = body(keyLength, key, valueLength, value, headerCount, headers);
        return concat(varints(body.length), body);
    }

    private static byte[] body(int keyLength, byte[] key, int valueLength, byte[] value, int headerCount,
            byte[] headers) {
        // attributes, timestamp delta (varlong 0), offset delta (varint 0)
        return concat(new byte[] {0, 0, 0}, varints(keyLength), key, varints(valueLength), value,
                varints(headerCount), headers);
    }

    private static byte[] header(String key, String value) {
        return concat(varints(key.length()), bytes(key), varints(value.length()), bytes(value));
    }

    private static byte[] varints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(5 * values.length);
        for (int v : values) {
            ByteUtils.writeVarint(v, buffer);
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] array(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }
}
