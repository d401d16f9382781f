package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe whole-file replacement for small checkpoint files.
 *
 * <p>{@link #write} writes the bytes to {@code <name>.tmp}, fsyncs it, renames it over the target with an
 * atomic move, then fsyncs the parent directory so the rename itself is durable. After a crash the target
 * holds either the complete old or the complete new content, never a mix; a stale {@code .tmp} may remain
 * and is simply overwritten next time.
 *
 * <p>Thread-safety: stateless; concurrent writers of the same target must be serialised by the caller.
 */
public final class AtomicFiles {
    static final String TMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /** Atomically replaces {@code target} with {@code content}. */
    public static void write(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("File system cannot rename atomically: " + target, e);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /** Atomically replaces {@code target} with UTF-8 {@code text}. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes renames, creations and deletions inside {@code dir} durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Atomic rename within one directory followed by a directory fsync. */
    public static void renameDurably(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(to.toAbsolutePath().getParent());
    }
}
