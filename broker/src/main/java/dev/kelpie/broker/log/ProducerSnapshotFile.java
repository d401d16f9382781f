package dev.kelpie.broker.log;

import dev.kelpie.broker.log.ProducerStateEntry.BatchMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Codec and atomic writer for producer-state snapshot files, {@code <20-digit offset>.snapshot} in the
 * partition directory. The offset in the name is the log end offset the state was taken at: replay
 * starts there.
 *
 * <p>Byte layout, all integers big-endian:
 * <pre>
 * offset size field
 *  0      2   version              int16, currently 1
 *  2      4   crc                  uint32, CRC-32C of every byte from offset 6 to the end of the file
 *  6      8   snapshotOffset       int64, equal to the offset in the file name
 * 14      4   producerCount        int32, ≥ 0
 * 18      …   producerCount entries:
 *               8 producerId       int64
 *               2 producerEpoch    int16
 *               8 lastActivityMs   int64, wall-clock ms the producer was last seen (for expiration)
 *               1 batchCount       int8, 0..5
 *               batchCount batches, oldest first, 32 bytes each:
 *                 4 firstSeq, 4 lastSeq (int32), 8 firstOffset, 8 lastOffset, 8 appendTimeMs (int64)
 * </pre>
 * A file that is shorter or longer than its counts say, has another version, a wrong CRC, or an offset
 * different from its name is corrupt as a whole.
 *
 * <p>Writes are atomic: the bytes go to {@code <name>.tmp}, which is fsynced, renamed over the final
 * name, and the directory is fsynced so the rename itself survives a crash.
 *
 * <p>Thread-safety: stateless; safe from any thread (callers must not write the same file concurrently).
 */
final class ProducerSnapshotFile {

    static final String SUFFIX = ".snapshot";
    static final String TMP_SUFFIX = AtomicFiles.TMP_SUFFIX;
    static final short VERSION = 1;

    private static final int HEADER_BYTES = 18;
    private static final int CRC_START = 6;
    private static final int ENTRY_HEADER_BYTES = 8 + 2 + 8 + 1;
    private static final int BATCH_BYTES = 4 + 4 + 8 + 8 + 8;

    /** A snapshot file that cannot be trusted; the message says why. */
    static final class CorruptSnapshotException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptSnapshotException(String message) {
            super(message);
        }
    }

    private ProducerSnapshotFile() {}

    static String fileName(long offset) {
        return String.format(Locale.ROOT, "%020d%s", offset, SUFFIX);
    }

    /** The offset named by a snapshot file, or -1 when the name is not {@code <20 digits>.snapshot}. */
    static long offsetOf(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ByteBuffer encode(long snapshotOffset, Collection<ProducerStateEntry> entries) {
        int size = HEADER_BYTES;
        for (ProducerStateEntry e : entries) {
            size += ENTRY_HEADER_BYTES + e.batches().size() * BATCH_BYTES;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(VERSION).putInt(0).putLong(snapshotOffset).putInt(entries.size());
        for (ProducerStateEntry e : entries) {
            List<BatchMetadata> batches = e.batches();
            buf.putLong(e.producerId()).putShort(e.epoch()).putLong(e.lastActivityMs()).put((byte) batches.size());
            for (BatchMetadata b : batches) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.appendTimeMs());
            }
        }
        buf.putInt(2, (int) crcOf(buf.array(), CRC_START, size - CRC_START));
        return buf.flip();
    }

    static List<ProducerStateEntry> decode(ByteBuffer buf, long expectedOffset) throws CorruptSnapshotException {
        if (buf.remaining() < HEADER_BYTES) {
            throw new CorruptSnapshotException("file is " + buf.remaining() + " bytes, shorter than its header");
        }
        short version = buf.getShort(0);
        if (version != VERSION) {
            throw new CorruptSnapshotException("unknown version " + version);
        }
        long storedCrc = Integer.toUnsignedLong(buf.getInt(2));
        byte[] bytes = new byte[buf.remaining()];
        buf.duplicate().get(bytes);
        long actualCrc = crcOf(bytes, CRC_START, bytes.length - CRC_START);
        if (storedCrc != actualCrc) {
            throw new CorruptSnapshotException("CRC mismatch: stored " + storedCrc + ", computed " + actualCrc);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, CRC_START, bytes.length - CRC_START);
        long offset = in.getLong();
        if (offset != expectedOffset) {
            throw new CorruptSnapshotException("holds offset " + offset + " but is named for " + expectedOffset);
        }
        return decodeEntries(in);
    }

    private static List<ProducerStateEntry> decodeEntries(ByteBuffer in) throws CorruptSnapshotException {
        int count = in.getInt();
        if (count < 0 || (long) count * ENTRY_HEADER_BYTES > in.remaining()) {
            throw new CorruptSnapshotException("producer count " + count + " does not fit the file");
        }
        List<ProducerStateEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (in.remaining() < ENTRY_HEADER_BYTES) {
                throw new CorruptSnapshotException("entry " + i + " is truncated");
            }
            ProducerStateEntry entry = new ProducerStateEntry(in.getLong(), in.getShort(), in.getLong());
            int batches = in.get();
            if (batches < 0 || batches > ProducerStateEntry.BATCHES_RETAINED
                    || in.remaining() < batches * BATCH_BYTES) {
                throw new CorruptSnapshotException("entry " + i + " has a bad batch count " + batches);
            }
            for (int b = 0; b < batches; b++) {
                entry.addBatch(new BatchMetadata(in.getInt(), in.getInt(), in.getLong(), in.getLong(), in.getLong()));
            }
            entries.add(entry);
        }
        if (in.hasRemaining()) {
            throw new CorruptSnapshotException(in.remaining() + " trailing bytes");
        }
        return entries;
    }

    /** Reads and checks a whole snapshot file. */
    static List<ProducerStateEntry> read(Path file) throws IOException, CorruptSnapshotException {
        return decode(ByteBuffer.wrap(Files.readAllBytes(file)), offsetOf(file));
    }

    /** Writes the file atomically ({@link AtomicFiles}: temp file, fsync, rename, fsync of the directory). */
    static void writeAtomically(Path dir, long snapshotOffset, Collection<ProducerStateEntry> entries)
            throws IOException {
        AtomicFiles.write(dir.resolve(fileName(snapshotOffset)), encode(snapshotOffset, entries).array());
    }

    private static long crcOf(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
