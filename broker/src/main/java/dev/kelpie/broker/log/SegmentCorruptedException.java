package dev.kelpie.broker.log;

import java.nio.file.Path;

/**
 * A segment holds bytes that are not a valid batch where a batch must be: a CRC mismatch, an impossible
 * size, a wrong magic byte or offsets going backwards. Internal to the log engine: {@link SegmentedLog}
 * either truncates the torn tail (last segment, during recovery) or takes the partition offline and
 * answers callers with {@link org.apache.kafka.common.errors.KafkaStorageException}.
 *
 * <p>Thread-safety: immutable.
 */
final class SegmentCorruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int position;

    SegmentCorruptedException(Path file, int position, String reason, Throwable cause) {
        super("Corrupt record batch in " + file + " at byte position " + position + ": " + reason, cause);
        this.file = file;
        this.position = position;
    }

    Path file() {
        return file;
    }

    int position() {
        return position;
    }
}
