package dev.kelpie.broker.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LeaderEpochCache} persisted as Kafka's {@code leader-epoch-checkpoint} in the partition directory.
 *
 * <p>File format (text, one item per line, {@code \n} endings):
 * <pre>
 *   0                  version
 *   N                  number of entries
 *   epoch startOffset  N lines, epochs and start offsets strictly increasing
 * </pre>
 * Every change rewrites the file with {@link AtomicFiles#write} (temp file, fsync, rename, directory fsync),
 * at once, except {@link #truncateFromStartInMemory} (retention), whose file write the log issues later.
 * A missing file is an empty cache; an unreadable one is logged and treated as empty (the log rebuilds epochs
 * from batch headers during recovery).
 *
 * <p>Thread-safety: changed by the partition's owner thread; readers on other threads see an immutable
 * snapshot list published through a volatile field. File writes are serialised by this object's monitor and
 * {@link #writeFile} (any thread) writes the entries current when it runs, so the file never goes back to an
 * older state.
 */
final class LeaderEpochFileCache implements LeaderEpochCache {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderEpochFileCache.class);
    static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final int VERSION = 0;

    /** One epoch and the first offset written in it. */
    record Entry(int epoch, long startOffset) {}

    private final Path file;
    private volatile List<Entry> entries;

    LeaderEpochFileCache(Path partitionDir) {
        this.file = partitionDir.resolve(FILE_NAME);
        this.entries = read(file);
    }

    private static List<Entry> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        try {
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IllegalArgumentException("bad header");
            }
            int n = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + n) {
                throw new IllegalArgumentException("expected " + n + " entries, found " + (lines.size() - 2));
            }
            List<Entry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String[] parts = lines.get(2 + i).trim().split("\\s+");
                Entry e = new Entry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                if (!out.isEmpty() && (e.epoch() <= out.get(out.size() - 1).epoch()
                        || e.startOffset() < out.get(out.size() - 1).startOffset())) {
                    throw new IllegalArgumentException("entries out of order at line " + (3 + i));
                }
                out.add(e);
            }
            return List.copyOf(out);
        } catch (RuntimeException e) {
            LOG.warn("Ignoring malformed {} ({}); leader epochs will be rebuilt from the log", file, e.toString());
            return List.of();
        }
    }

    List<Entry> entries() {
        return entries;
    }

    @Override
    public void assign(int epoch, long startOffset) {
        if (epoch < 0) {
            return;
        }
        List<Entry> cur = entries;
        if (!cur.isEmpty()) {
            Entry last = cur.get(cur.size() - 1);
            if (epoch <= last.epoch()) {
                return;
            }
            if (startOffset < last.startOffset()) {
                throw new IllegalArgumentException("Epoch " + epoch + " starts at " + startOffset
                        + " before epoch " + last.epoch() + " at " + last.startOffset());
            }
        }
        List<Entry> next = new ArrayList<>(cur);
        next.add(new Entry(epoch, startOffset));
        publish(next);
    }

    @Override
    public Optional<Integer> latestEpoch() {
        List<Entry> cur = entries;
        return cur.isEmpty() ? Optional.empty() : Optional.of(cur.get(cur.size() - 1).epoch());
    }

    /** The epoch of the record at {@code offset}, or -1 when unknown. */
    int epochForOffset(long offset) {
        int epoch = -1;
        for (Entry e : entries) {
            if (e.startOffset() > offset) {
                break;
            }
            epoch = e.epoch();
        }
        return epoch;
    }

    @Override
    public Optional<EpochEndOffset> endOffsetFor(int epoch, long logEndOffset) {
        List<Entry> cur = entries;
        Entry floor = null;
        int floorIndex = -1;
        for (int i = 0; i < cur.size(); i++) {
            if (cur.get(i).epoch() <= epoch) {
                floor = cur.get(i);
                floorIndex = i;
            }
        }
        if (floor == null) {
            return Optional.empty();
        }
        long end = floorIndex == cur.size() - 1 ? logEndOffset : cur.get(floorIndex + 1).startOffset();
        return Optional.of(new EpochEndOffset(floor.epoch(), end));
    }

    @Override
    public void truncateFromEnd(long offset) {
        List<Entry> cur = entries;
        List<Entry> next = new ArrayList<>();
        for (Entry e : cur) {
            if (e.startOffset() < offset) {
                next.add(e);
            }
        }
        if (next.size() != cur.size()) {
            publish(next);
        }
    }

    @Override
    public void truncateFromStart(long offset) {
        List<Entry> next = truncatedFromStart(offset);
        if (next != null) {
            publish(next);
        }
    }

    /**
     * {@link #truncateFromStart} in memory only; returns whether {@link #writeFile} must follow. For retention:
     * until the file is rewritten it still lists epochs below the new log start, which the next open trims again.
     */
    boolean truncateFromStartInMemory(long offset) {
        List<Entry> next = truncatedFromStart(offset);
        if (next == null) {
            return false;
        }
        entries = List.copyOf(next);
        return true;
    }

    /** The entries after dropping those below {@code offset}, or null when nothing changes. */
    private List<Entry> truncatedFromStart(long offset) {
        List<Entry> cur = entries;
        int lastBelow = -1;
        for (int i = 0; i < cur.size(); i++) {
            if (cur.get(i).startOffset() <= offset) {
                lastBelow = i;
            }
        }
        if (lastBelow < 0 || (lastBelow == 0 && cur.get(0).startOffset() == offset)) {
            return null;
        }
        List<Entry> next = new ArrayList<>(cur.subList(lastBelow, cur.size()));
        next.set(0, new Entry(next.get(0).epoch(), offset));
        return next;
    }

    /** Removes every entry (the log was emptied). */
    void clear() {
        if (!entries.isEmpty()) {
            publish(List.of());
        }
    }

    private synchronized void publish(List<Entry> next) {
        write(next);
        entries = List.copyOf(next);
    }

    /** Any thread: rewrites the file from the current entries (serialised with the owner's own writes). */
    synchronized void writeFile() {
        write(entries);
    }

    private void write(List<Entry> next) {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(next.size()).append('\n');
        for (Entry e : next) {
            sb.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        try {
            AtomicFiles.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
