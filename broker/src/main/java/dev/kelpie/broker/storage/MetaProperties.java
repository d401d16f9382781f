package dev.kelpie.broker.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * A log directory's identity, in Kafka's KRaft {@code meta.properties} format (version 1), so a directory
 * formatted by Kafka is read as is and Kafka's tools read ours:
 * <pre>
 * cluster.id=&lt;22-character base64url UUID&gt;
 * directory.id=&lt;22-character base64url UUID, unique per directory&gt;
 * node.id=&lt;int&gt;
 * version=1
 * </pre>
 * Written once, on first start, through a temporary file that is fsynced, renamed over the target and made
 * durable by an fsync of the directory, so a crash leaves either no file or a whole one.
 *
 * @param clusterId {@code cluster.id}
 * @param nodeId {@code node.id}
 * @param directoryId {@code directory.id}; empty in directories formatted by Kafka before 3.7
 */
public record MetaProperties(String clusterId, int nodeId, Optional<String> directoryId) {
    public static final String FILE_NAME = "meta.properties";
    static final String TEMP_FILE_NAME = FILE_NAME + ".tmp";
    private static final String VERSION = "version";
    private static final String CLUSTER_ID = "cluster.id";
    private static final String NODE_ID = "node.id";
    private static final String DIRECTORY_ID = "directory.id";

    /** Reads {@code dir/meta.properties}; empty when the file does not exist. */
    public static Optional<MetaProperties> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(file, Files.readString(file, StandardCharsets.UTF_8)));
    }

    static MetaProperties parse(Path file, String text) throws IOException {
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IllegalArgumentException e) {
            throw new StorageException(file + " is malformed: " + e.getMessage());
        }
        String version = p.getProperty(VERSION, "").trim();
        if (!version.equals("1")) {
            throw new StorageException(file + " has version=" + version + "; Kelpie reads version 1 (KRaft) only");
        }
        String clusterId = p.getProperty(CLUSTER_ID, "").trim();
        if (clusterId.isEmpty()) {
            throw new StorageException(file + " has no cluster.id");
        }
        String nodeId = p.getProperty(NODE_ID, "").trim();
        try {
            return new MetaProperties(clusterId, Integer.parseInt(nodeId),
                    Optional.ofNullable(p.getProperty(DIRECTORY_ID)).map(String::trim).filter(s -> !s.isEmpty()));
        } catch (NumberFormatException e) {
            throw new StorageException(file + " has node.id=" + nodeId + ", which is not an int");
        }
    }

    /** This record as file text, keys sorted. */
    String toText() {
        StringBuilder b = new StringBuilder("#Written by Kelpie when it formatted this directory. Do not edit.\n");
        b.append(CLUSTER_ID).append('=').append(clusterId).append('\n');
        directoryId.ifPresent(id -> b.append(DIRECTORY_ID).append('=').append(id).append('\n'));
        b.append(NODE_ID).append('=').append(nodeId).append('\n');
        b.append(VERSION).append("=1\n");
        return b.toString();
    }

    /** Writes {@code dir/meta.properties} durably (see the class comment). */
    public void write(Path dir) throws IOException {
        Path temp = dir.resolve(TEMP_FILE_NAME);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(StandardCharsets.UTF_8.encode(toText()));
            ch.force(true);
        }
        Files.move(temp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
