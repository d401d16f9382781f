package dev.kelpie.broker.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * The broker's log directories, locked and formatted: start-up needs no separate format step.
 *
 * <p>{@link #open} takes an exclusive lock on {@code .lock} in every directory (a second broker on the same
 * data stops with a clear message; the lock dies with the process, so a killed broker restarts cleanly),
 * then reads each {@code meta.properties} ({@link MetaProperties}):
 * <ul>
 *   <li>every formatted directory must carry the same {@code cluster.id}, the configured {@code node.id} and
 *       its own {@code directory.id};</li>
 *   <li>when a cluster id is configured ({@code cluster.id}, {@code KELPIE_CLUSTER_ID}: the operator derives
 *       one per Cluster), every formatted directory must carry it;</li>
 *   <li>a directory that is missing or empty (apart from {@code .lock}, {@code lost+found} and a torn
 *       {@code meta.properties.tmp}) is formatted with the existing cluster id, else the configured one,
 *       else a fresh random one (Kafka's {@link Uuid#randomUuid()} text form);</li>
 *   <li>a non-empty directory without {@code meta.properties} is refused: it may be someone else's data.</li>
 * </ul>
 *
 * <p>Not thread-safe: opened and closed by the start-up thread.
 */
public final class Storage implements AutoCloseable {
    static final String LOCK_FILE_NAME = ".lock";
    private static final Set<String> IGNORED_IN_EMPTY_DIR = Set.of(LOCK_FILE_NAME, "lost+found",
            MetaProperties.TEMP_FILE_NAME);

    private final String clusterId;
    private final int nodeId;
    private final Map<Path, MetaProperties> directories;
    private final List<Path> formattedNow;
    private final List<FileChannel> locks;

    private Storage(String clusterId, int nodeId, Map<Path, MetaProperties> directories, List<Path> formattedNow,
            List<FileChannel> locks) {
        this.clusterId = clusterId;
        this.nodeId = nodeId;
        this.directories = directories;
        this.formattedNow = formattedNow;
        this.locks = locks;
    }

    /** Opens with Kafka's random UUIDs for new cluster and directory ids. */
    public static Storage open(List<Path> logDirs, int nodeId) throws IOException {
        return open(logDirs, nodeId, Optional.empty(), Uuid::randomUuid);
    }

    /** Opens with the configured cluster id, if any, and random directory ids. */
    public static Storage open(List<Path> logDirs, int nodeId, Optional<String> clusterId) throws IOException {
        return open(logDirs, nodeId, clusterId, Uuid::randomUuid);
    }

    /** Opens without a configured cluster id. */
    public static Storage open(List<Path> logDirs, int nodeId, Supplier<Uuid> uuids) throws IOException {
        return open(logDirs, nodeId, Optional.empty(), uuids);
    }

    /**
     * Locks every directory, checks the formatted ones, formats the rest.
     *
     * @param configuredClusterId the cluster id the configuration names, if any
     * @param uuids source of new cluster and directory ids (tests pass a seeded one)
     * @throws StorageException when the directories disagree with each other, with {@code nodeId} or with
     *     the configured cluster id, are locked by another process, or hold foreign files
     */
    public static Storage open(List<Path> logDirs, int nodeId, Optional<String> configuredClusterId,
            Supplier<Uuid> uuids) throws IOException {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("no log directories");
        }
        List<FileChannel> locks = new ArrayList<>();
        try {
            Map<Path, Optional<MetaProperties>> found = new LinkedHashMap<>();
            for (Path dir : logDirs) {
                Files.createDirectories(dir);
                locks.add(lock(dir));
                found.put(dir, MetaProperties.read(dir));
            }
            Optional<String> formatted = checkFormatted(found, nodeId);
            formatted.ifPresent(id -> checkConfigured(found, id, configuredClusterId));
            String clusterId = formatted.or(() -> configuredClusterId).orElseGet(() -> uuids.get().toString());
            Map<Path, MetaProperties> directories = new LinkedHashMap<>();
            List<Path> formattedNow = new ArrayList<>();
            for (Map.Entry<Path, Optional<MetaProperties>> e : found.entrySet()) {
                directories.put(e.getKey(), formatIfNeeded(e.getKey(), e.getValue(), clusterId, nodeId, uuids,
                        formattedNow));
            }
            return new Storage(clusterId, nodeId, directories, List.copyOf(formattedNow), locks);
        } catch (IOException | RuntimeException e) {
            try {
                closeAll(locks);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Checks agreement among the formatted directories; returns their cluster id, empty when none is. */
    private static Optional<String> checkFormatted(Map<Path, Optional<MetaProperties>> found, int nodeId) {
        Path first = null;
        String clusterId = null;
        Map<String, Path> directoryIds = new HashMap<>();
        for (Map.Entry<Path, Optional<MetaProperties>> e : found.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Path dir = e.getKey();
            MetaProperties meta = e.getValue().get();
            if (meta.nodeId() != nodeId) {
                throw new StorageException(where(dir) + " says node.id=" + meta.nodeId()
                        + " but the configuration says node.id=" + nodeId
                        + "; this data belongs to another node (use its node.id or other log.dirs)");
            }
            if (clusterId == null) {
                first = dir;
                clusterId = meta.clusterId();
            } else if (!clusterId.equals(meta.clusterId())) {
                throw new StorageException(where(dir) + " says cluster.id=" + meta.clusterId() + " but "
                        + where(first) + " says cluster.id=" + clusterId + "; the log dirs belong to different clusters");
            }
            Optional<Path> clash = meta.directoryId().map(id -> directoryIds.putIfAbsent(id, dir));
            if (clash.isPresent()) {
                throw new StorageException(where(dir) + " and " + where(clash.get())
                        + " carry the same directory.id; was one directory copied from the other?");
            }
        }
        return Optional.ofNullable(clusterId);
    }

    private static void checkConfigured(Map<Path, Optional<MetaProperties>> found, String formatted,
            Optional<String> configured) {
        if (configured.isPresent() && !configured.get().equals(formatted)) {
            Path dir = found.entrySet().stream().filter(e -> e.getValue().isPresent()).findFirst().orElseThrow()
                    .getKey();
            throw new StorageException(where(dir) + " says cluster.id=" + formatted + " but the configuration "
                    + "(cluster.id or KELPIE_CLUSTER_ID) says cluster.id=" + configured.get()
                    + "; this data belongs to another cluster (use its id or other log.dirs)");
        }
    }

    private static MetaProperties formatIfNeeded(Path dir, Optional<MetaProperties> existing, String clusterId,
            int nodeId, Supplier<Uuid> uuids, List<Path> formattedNow) throws IOException {
        if (existing.isPresent() && existing.get().directoryId().isPresent()) {
            return existing.get();
        }
        if (existing.isEmpty()) {
            requireEmpty(dir);
            formattedNow.add(dir);
        }
        MetaProperties meta = new MetaProperties(clusterId, nodeId, Optional.of(uuids.get().toString()));
        meta.write(dir);
        return meta;
    }

    private static void requireEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(name -> !IGNORED_IN_EMPTY_DIR.contains(name)).sorted().limit(3).toList();
            if (!foreign.isEmpty()) {
                throw new StorageException("Log dir " + dir + " is not empty (" + String.join(", ", foreign)
                        + ", ...) and has no " + MetaProperties.FILE_NAME
                        + "; refusing to use it: point log.dirs at an empty or a Kelpie/Kafka directory");
            }
        }
    }

    private static FileChannel lock(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new StorageException("Log dir " + dir + " is in use by another broker process (" + LOCK_FILE_NAME
                    + " is locked)");
        }
        return channel;
    }

    private static String where(Path dir) {
        return dir.resolve(MetaProperties.FILE_NAME).toString();
    }

    /** The cluster id every directory carries. */
    public String clusterId() {
        return clusterId;
    }

    public int nodeId() {
        return nodeId;
    }

    /** Each log directory with its identity, in configuration order. */
    public Map<Path, MetaProperties> directories() {
        return directories;
    }

    /** The directories this start formatted (empty on later starts). */
    public List<Path> formattedNow() {
        return formattedNow;
    }

    /** Releases the directory locks. */
    @Override
    public void close() throws IOException {
        closeAll(locks);
    }

    private static void closeAll(List<FileChannel> channels) throws IOException {
        IOException first = null;
        for (FileChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        channels.clear();
        if (first != null) {
            throw first;
        }
    }
}
