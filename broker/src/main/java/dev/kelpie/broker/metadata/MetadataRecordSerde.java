package dev.kelpie.broker.metadata;

import dev.kelpie.broker.metadata.MetadataRecord.ConfigRecord;
import dev.kelpie.broker.metadata.MetadataRecord.PartitionRecord;
import dev.kelpie.broker.metadata.MetadataRecord.ProducerIdsRecord;
import dev.kelpie.broker.metadata.MetadataRecord.RegisterBrokerRecord;
import dev.kelpie.broker.metadata.MetadataRecord.RemoveTopicRecord;
import dev.kelpie.broker.metadata.MetadataRecord.TopicRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * The byte encoding of a {@link MetadataRecord} inside one Kafka record of the metadata log.
 *
 * <p>Format (big-endian, {@link DataOutputStream} primitives): the record's <b>key</b> is one byte, the
 * record type ({@link #typeId}); the <b>value</b> starts with a one-byte format version (currently 0)
 * followed by the fields in declaration order. Strings are an int32 byte length (−1 = null) and UTF-8
 * bytes; a Uuid is two int64s; an int list is an int32 count and the ints. A reader rejects a type or
 * version it does not know with {@link CorruptRecordException}, so an old broker never half-applies a
 * newer log.
 *
 * <p>Thread-safety: stateless.
 */
public final class MetadataRecordSerde {
    private static final byte VERSION = 0;

    private MetadataRecordSerde() {
    }

    /** The one-byte key that names the record type. */
    public static byte typeId(MetadataRecord record) {
        if (record instanceof RegisterBrokerRecord) {
            return 1;
        } else if (record instanceof TopicRecord) {
            return 2;
        } else if (record instanceof PartitionRecord) {
            return 3;
        } else if (record instanceof ConfigRecord) {
            return 4;
        } else if (record instanceof RemoveTopicRecord) {
            return 5;
        } else if (record instanceof ProducerIdsRecord) {
            return 6;
        }
        throw new IllegalArgumentException("Unknown metadata record " + record);
    }

    public static byte[] key(MetadataRecord record) {
        return new byte[] {typeId(record)};
    }

    public static byte[] value(MetadataRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeFields(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeFields(MetadataRecord record, DataOutputStream out) throws IOException {
        if (record instanceof RegisterBrokerRecord r) {
            out.writeInt(r.brokerId());
            writeString(out, r.host());
            out.writeInt(r.port());
            writeString(out, r.rack());
        } else if (record instanceof TopicRecord r) {
            writeString(out, r.name());
            writeUuid(out, r.topicId());
        } else if (record instanceof PartitionRecord r) {
            writeUuid(out, r.topicId());
            out.writeInt(r.partitionId());
            writeInts(out, r.replicas());
            writeInts(out, r.isr());
            out.writeInt(r.leader());
            out.writeInt(r.leaderEpoch());
        } else if (record instanceof ConfigRecord r) {
            out.writeByte(r.resourceType().id());
            writeString(out, r.resourceName());
            writeString(out, r.name());
            writeString(out, r.value());
        } else if (record instanceof RemoveTopicRecord r) {
            writeUuid(out, r.topicId());
        } else if (record instanceof ProducerIdsRecord r) {
            out.writeInt(r.brokerId());
            out.writeLong(r.nextProducerId());
        }
    }

    /** Decodes one record from its key and value bytes. */
    public static MetadataRecord read(byte[] key, byte[] value) {
        if (key == null || key.length != 1 || value == null || value.length == 0) {
            throw new CorruptRecordException("Metadata record without a type key or value");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new CorruptRecordException("Unknown metadata record version " + version);
            }
            MetadataRecord record = readFields(key[0], in);
            if (in.available() != 0) {
                throw new CorruptRecordException("Trailing bytes after metadata record " + record);
            }
            return record;
        } catch (IOException e) {
            throw new CorruptRecordException("Truncated metadata record of type " + key[0], e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CorruptRecordException("Invalid metadata record of type " + key[0] + ": " + e.getMessage(), e);
        }
    }

    private static MetadataRecord readFields(byte type, DataInputStream in) throws IOException {
        return switch (type) {
            case 1 -> new RegisterBrokerRecord(in.readInt(), readString(in), in.readInt(), readString(in));
            case 2 -> new TopicRecord(readString(in), readUuid(in));
            case 3 -> new PartitionRecord(readUuid(in), in.readInt(), readInts(in), readInts(in), in.readInt(),
                    in.readInt());
            case 4 -> new ConfigRecord(ConfigResource.Type.forId(in.readByte()), readString(in), readString(in),
                    readString(in));
            case 5 -> new RemoveTopicRecord(readUuid(in));
            case 6 -> new ProducerIdsRecord(in.readInt(), in.readLong());
            default -> throw new CorruptRecordException("Unknown metadata record type " + type);
        };
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new CorruptRecordException("Bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void writeUuid(DataOutputStream out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static Uuid readUuid(DataInputStream in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    private static void writeInts(DataOutputStream out, List<Integer> ints) throws IOException {
        out.writeInt(ints.size());
        for (int i : ints) {
            out.writeInt(i);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available() / Integer.BYTES) {
            throw new CorruptRecordException("Bad list length " + count);
        }
        List<Integer> ints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ints.add(in.readInt());
        }
        return ints;
    }
}
