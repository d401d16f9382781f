package dev.kelpie.broker.storage;

/**
 * The log directories cannot be used as configured: inconsistent {@code meta.properties}, a directory that
 * is in use by another process, or one that holds foreign files. Start-up stops with this message.
 */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }
}
