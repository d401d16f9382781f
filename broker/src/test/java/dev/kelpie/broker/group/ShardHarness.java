package dev.kelpie.broker.group;

import dev.kelpie.broker.group.ClassicGroupMember.Protocol;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.MetadataRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * One {@link GroupShard} on a manual clock and timer with an in-memory log, for state-machine tests. Operations
 * run on the test thread, as they would on the shard's thread.
 */
final class ShardHarness {
    static final long START_MS = 1_700_000_000_000L;
    final ManualShardTimer time;
    final MemoryShardWriter writer;
    final AtomicReference<MetadataImage> image;
    final GroupCoordinatorConfig config;
    final GroupShard shard;

    ShardHarness(GroupCoordinatorConfig config) {
        this(config, new ManualShardTimer(START_MS), new MemoryShardWriter(1024 * 1024),
                new AtomicReference<>(image(Map.of("topic-a", 6, "topic-b", 2))));
    }

    private ShardHarness(GroupCoordinatorConfig config, ManualShardTimer time, MemoryShardWriter writer,
            AtomicReference<MetadataImage> image) {
        this.config = config;
        this.time = time;
        this.writer = writer;
        this.image = image;
        this.shard = new GroupShard(0, config, time, time, writer, image::get);
    }

    static GroupCoordinatorConfig config() {
        return GroupCoordinatorConfig.defaults().withInitialRebalanceDelayMs(0);
    }

    /** A metadata image with the given topics (name → partitions) and one broker. */
    static MetadataImage image(Map<String, Integer> topics) {
        MetadataImage.Builder b = MetadataImage.empty("c").toBuilder();
        long offset = 0;
        b.apply(offset++, new MetadataRecord.RegisterBrokerRecord(1, "localhost", 9092, null));
        for (Map.Entry<String, Integer> t : new java.util.TreeMap<>(topics).entrySet()) {
            Uuid id = new Uuid(t.getKey().hashCode(), 42);
            b.apply(offset++, new MetadataRecord.TopicRecord(t.getKey(), id));
            for (int p = 0; p < t.getValue(); p++) {
                b.apply(offset++, new MetadataRecord.PartitionRecord(id, p, List.of(1), List.of(1), 1, 0));
            }
        }
        return b.build();
    }

    Uuid topicId(String name) {
        return image.get().topic(name).orElseThrow().id();
    }

    /** A new shard replaying everything written so far, loaded as after a restart (same clock). */
    ShardHarness restart() {
        MemoryShardWriter copy = new MemoryShardWriter(writer.batchBytesMax());
        copy.batches.addAll(writer.batches);
        ShardHarness next = new ShardHarness(config, time, copy, image);
        time.cancelAll();
        for (List<ShardWriter.Encoded> batch : writer.batches) {
            for (ShardWriter.Encoded e : batch) {
                GroupRecordSerde.decode(ByteBuffer.wrap(e.key()), e.value() == null ? null : ByteBuffer.wrap(e.value()))
                        .ifPresent(next.shard::replay);
            }
        }
        next.shard.onLoaded();
        return next;
    }

    static byte[] subscription(String... topics) {
        ByteBuffer b = ConsumerProtocol.serializeSubscription(new Subscription(List.of(topics)));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static List<Protocol> protocols(String... names) {
        List<Protocol> out = new ArrayList<>();
        for (String n : names) {
            out.add(new Protocol(n, subscription("topic-a")));
        }
        return out;
    }

    CompletableFuture<JoinGroupResponseData> join(String group, String memberId, String instanceId,
            List<Protocol> protocols, int sessionMs, int rebalanceMs) {
        return shard.classic.join(new ClassicJoin(group, memberId, instanceId, "consumer", protocols, sessionMs,
                rebalanceMs, "client", "/127.0.0.1", (short) 9));
    }

    CompletableFuture<JoinGroupResponseData> join(String group, String memberId) {
        return join(group, memberId, null, protocols("range"), 10_000, 20_000);
    }

    /** MEMBER_ID_REQUIRED round trip: returns the held second join. */
    CompletableFuture<JoinGroupResponseData> joinNew(String group) {
        JoinGroupResponseData first = join(group, "").join();
        if (first.errorCode() != Errors.MEMBER_ID_REQUIRED.code()) {
            throw new AssertionError("expected MEMBER_ID_REQUIRED, got " + first);
        }
        return join(group, first.memberId());
    }

    CompletableFuture<SyncGroupResponseData> sync(String group, int generation, String memberId,
            Map<String, byte[]> assignments) {
        return shard.membership.sync(new ClassicMembership.SyncArgs(group, generation, memberId, null, null, null,
                assignments));
    }

    Errors heartbeat(String group, String memberId, int generation) {
        return shard.membership.heartbeat(group, memberId, null, generation);
    }

    ClassicGroup classicGroup(String id) {
        return (ClassicGroup) shard.groups.get(id);
    }
}
