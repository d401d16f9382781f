package dev.kelpie.broker.group;

import dev.kelpie.broker.group.GroupRecord.ClassicGroupMeta;
import dev.kelpie.broker.group.GroupRecord.ClassicGroupValue;
import dev.kelpie.broker.group.GroupRecord.ClassicMember;
import dev.kelpie.broker.group.GroupRecord.ClassicMemberValue;
import dev.kelpie.broker.group.GroupRecord.ConsumerGroupMeta;
import dev.kelpie.broker.group.GroupRecord.ConsumerGroupValue;
import dev.kelpie.broker.group.GroupRecord.ConsumerMember;
import dev.kelpie.broker.group.GroupRecord.ConsumerMemberValue;
import dev.kelpie.broker.group.GroupRecord.ConsumerTarget;
import dev.kelpie.broker.group.GroupRecord.MemberState;
import dev.kelpie.broker.group.GroupRecord.Offset;
import dev.kelpie.broker.group.GroupRecord.OffsetValue;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The byte encoding of {@link GroupRecord}s as record keys and values of {@code __consumer_offsets}. Kelpie's
 * own compact encoding (Kafka's record schemas live in kafka-group-coordinator, which the broker does not use),
 * big-endian throughout.
 *
 * <pre>
 * key    = version:int8 (0)  type:int8  fields...
 * value  = version:int8 (0)  fields...             (no value: a tombstone)
 * string = length:int16 (-1 = null)  UTF-8 bytes
 * bytes  = length:int32 (-1 = null)  bytes
 * parts  = topics:int32  { topicId:16 bytes  count:int32  { partition:int32 } }   (topic id → partitions)
 * names  = count:int32  { string }
 *
 * type 1 Offset            key: group:string topic:string partition:int32
 *                          value: offset:int64 leaderEpoch:int32 metadata:string commitTimestampMs:int64
 * type 2 ClassicGroupMeta  key: group:string
 *                          value: protocolType:string generation:int32 protocolName:string leader:string
 *                                 stateTimestampMs:int64
 * type 3 ClassicMember     key: group:string member:string
 *                          value: instanceId:string clientId:string clientHost:string rebalanceTimeoutMs:int32
 *                                 sessionTimeoutMs:int32 protocolName:string subscription:bytes assignment:bytes
 * type 4 ConsumerGroupMeta key: group:string
 *                          value: groupEpoch:int32 assignmentEpoch:int32 metadataHash:int64
 * type 5 ConsumerMember    key: group:string member:string
 *                          value: instanceId:string rackId:string clientId:string clientHost:string
 *                                 subscribedTopicNames:names subscribedTopicRegex:string serverAssignor:string
 *                                 rebalanceTimeoutMs:int32 memberEpoch:int32 previousMemberEpoch:int32
 *                                 state:int8 assigned:parts pendingRevocation:parts
 * type 6 ConsumerTarget    key: group:string member:string
 *                          value: partitions:parts
 * </pre>
 *
 * A key of another version or type is skipped on replay (written by a newer Kelpie); a value of an unknown
 * version, or bytes that do not parse, are corruption ({@link IllegalStateException}).
 *
 * <p>Stateless; safe from any thread.
 */
final class GroupRecordSerde {
    static final byte VERSION = 0;
    static final byte OFFSET = 1;
    static final byte CLASSIC_GROUP = 2;
    static final byte CLASSIC_MEMBER = 3;
    static final byte CONSUMER_GROUP = 4;
    static final byte CONSUMER_MEMBER = 5;
    static final byte CONSUMER_TARGET = 6;

    private GroupRecordSerde() {
    }

    static byte[] key(GroupRecord record) {
        return write(out -> {
            out.writeByte(VERSION);
            if (record instanceof Offset r) {
                out.writeByte(OFFSET);
                writeString(out, r.groupId());
                writeString(out, r.topic());
                out.writeInt(r.partition());
            } else if (record instanceof ClassicGroupMeta r) {
                out.writeByte(CLASSIC_GROUP);
                writeString(out, r.groupId());
            } else if (record instanceof ClassicMember r) {
                out.writeByte(CLASSIC_MEMBER);
                writeString(out, r.groupId());
                writeString(out, r.memberId());
            } else if (record instanceof ConsumerGroupMeta r) {
                out.writeByte(CONSUMER_GROUP);
                writeString(out, r.groupId());
            } else if (record instanceof ConsumerMember r) {
                out.writeByte(CONSUMER_MEMBER);
                writeString(out, r.groupId());
                writeString(out, r.memberId());
            } else if (record instanceof ConsumerTarget r) {
                out.writeByte(CONSUMER_TARGET);
                writeString(out, r.groupId());
                writeString(out, r.memberId());
            }
        });
    }

    /** The value bytes, or null for a tombstone. */
    static byte[] value(GroupRecord record) {
        if (record.isTombstone()) {
            return null;
        }
        return write(out -> {
            out.writeByte(VERSION);
            if (record instanceof Offset r) {
                OffsetValue v = r.value();
                out.writeLong(v.offset());
                out.writeInt(v.leaderEpoch());
                writeString(out, v.metadata());
                out.writeLong(v.commitTimestampMs());
            } else if (record instanceof ClassicGroupMeta r) {
                ClassicGroupValue v = r.value();
                writeString(out, v.protocolType());
                out.writeInt(v.generation());
                writeString(out, v.protocolName());
                writeString(out, v.leaderId());
                out.writeLong(v.stateTimestampMs());
            } else if (record instanceof ClassicMember r) {
                writeClassicMember(out, r.value());
            } else if (record instanceof ConsumerGroupMeta r) {
                ConsumerGroupValue v = r.value();
                out.writeInt(v.groupEpoch());
                out.writeInt(v.assignmentEpoch());
                out.writeLong(v.metadataHash());
            } else if (record instanceof ConsumerMember r) {
                writeConsumerMember(out, r.value());
            } else if (record instanceof ConsumerTarget r) {
                writeParts(out, r.value());
            }
        });
    }

    private static void writeClassicMember(DataOutputStream out, ClassicMemberValue v) throws IOException {
        writeString(out, v.instanceId());
        writeString(out, v.clientId());
        writeString(out, v.clientHost());
        out.writeInt(v.rebalanceTimeoutMs());
        out.writeInt(v.sessionTimeoutMs());
        writeString(out, v.protocolName());
        writeBytes(out, v.subscription());
        writeBytes(out, v.assignment());
    }

    private static void writeConsumerMember(DataOutputStream out, ConsumerMemberValue v) throws IOException {
        writeString(out, v.instanceId());
        writeString(out, v.rackId());
        writeString(out, v.clientId());
        writeString(out, v.clientHost());
        out.writeInt(v.subscribedTopicNames().size());
        for (String name : v.subscribedTopicNames()) {
            writeString(out, name);
        }
        writeString(out, v.subscribedTopicRegex());
        writeString(out, v.serverAssignor());
        out.writeInt(v.rebalanceTimeoutMs());
        out.writeInt(v.memberEpoch());
        out.writeInt(v.previousMemberEpoch());
        out.writeByte(v.state().code());
        writeParts(out, v.assigned());
        writeParts(out, v.pendingRevocation());
    }

    /**
     * Decodes one record; empty for a key this version does not know.
     *
     * @param value the value bytes, null for a tombstone
     */
    static Optional<GroupRecord> decode(ByteBuffer key, ByteBuffer value) {
        try {
            byte keyVersion = key.get();
            byte type = key.get();
            if (keyVersion != VERSION || type < OFFSET || type > CONSUMER_TARGET) {
                return Optional.empty();
            }
            String group = readString(key);
            if (value != null && value.get() != VERSION) {
                throw new IllegalStateException("Unknown value version of a type " + type + " record");
            }
            return Optional.of(switch (type) {
                case OFFSET -> new Offset(group, readString(key), key.getInt(), value == null ? null
                        : new OffsetValue(value.getLong(), value.getInt(), readString(value), value.getLong()));
                case CLASSIC_GROUP -> new ClassicGroupMeta(group, value == null ? null : new ClassicGroupValue(
                        readString(value), value.getInt(), readString(value), readString(value), value.getLong()));
                case CLASSIC_MEMBER -> new ClassicMember(group, readString(key),
                        value == null ? null : readClassicMember(value));
                case CONSUMER_GROUP -> new ConsumerGroupMeta(group, value == null ? null
                        : new ConsumerGroupValue(value.getInt(), value.getInt(), value.getLong()));
                case CONSUMER_MEMBER -> new ConsumerMember(group, readString(key),
                        value == null ? null : readConsumerMember(value));
                default -> new ConsumerTarget(group, readString(key), value == null ? null : readParts(value));
            });
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalStateException("Malformed __consumer_offsets record", e);
        }
    }

    private static ClassicMemberValue readClassicMember(ByteBuffer v) {
        return new ClassicMemberValue(readString(v), readString(v), readString(v), v.getInt(), v.getInt(),
                readString(v), readBytes(v), readBytes(v));
    }

    private static ConsumerMemberValue readConsumerMember(ByteBuffer v) {
        String instanceId = readString(v);
        String rackId = readString(v);
        String clientId = readString(v);
        String clientHost = readString(v);
        int count = v.getInt();
        if (count < 0 || count > v.remaining()) {
            throw new IllegalArgumentException("topic count " + count);
        }
        List<String> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            topics.add(readString(v));
        }
        String regex = readString(v);
        String assignor = readString(v);
        int rebalanceTimeoutMs = v.getInt();
        int epoch = v.getInt();
        int previousEpoch = v.getInt();
        MemberState state = MemberState.of(v.get());
        return new ConsumerMemberValue(instanceId, rackId, clientId, clientHost, topics, regex, assignor,
                rebalanceTimeoutMs, epoch, previousEpoch, state, readParts(v), readParts(v));
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeShort(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("String of " + utf8.length + " bytes is too long for a group record");
        }
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) {
        short length = in.getShort();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        if (length > in.remaining()) {
            throw new IllegalArgumentException("bytes of length " + length);
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static void writeParts(DataOutputStream out, Map<Uuid, Set<Integer>> parts) throws IOException {
        out.writeInt(parts.size());
        for (Map.Entry<Uuid, Set<Integer>> e : parts.entrySet()) {
            out.writeLong(e.getKey().getMostSignificantBits());
            out.writeLong(e.getKey().getLeastSignificantBits());
            out.writeInt(e.getValue().size());
            for (int p : e.getValue()) {
                out.writeInt(p);
            }
        }
    }

    private static Map<Uuid, Set<Integer>> readParts(ByteBuffer in) {
        int topics = in.getInt();
        if (topics < 0 || topics > in.remaining()) {
            throw new IllegalArgumentException("topic count " + topics);
        }
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        for (int t = 0; t < topics; t++) {
            Uuid id = new Uuid(in.getLong(), in.getLong());
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / 4) {
                throw new IllegalArgumentException("partition count " + count);
            }
            Set<Integer> set = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                set.add(in.getInt());
            }
            out.put(id, set);
        }
        return out;
    }
}
