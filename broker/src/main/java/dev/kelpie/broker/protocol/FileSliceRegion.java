package dev.kelpie.broker.protocol;

import dev.kelpie.broker.log.FileSlice;
import io.netty.channel.DefaultFileRegion;

/**
 * A Netty {@code FileRegion} over a {@link FileSlice}, sent with {@code sendfile}. Subclassing
 * {@code DefaultFileRegion} keeps the native epoll zero-copy path.
 *
 * <p>Deallocation releases the slice instead of closing the file: the segment's {@code FileChannel} is shared
 * by every reader and stays open for the log. Netty releases a written region once, after it is fully written
 * or when the write fails or the connection closes with it still queued, so the slice is released exactly
 * once on every path.
 *
 * <p>Thread-safety: as any Netty reference-counted message, owned by one event loop once written.
 */
final class FileSliceRegion extends DefaultFileRegion {
    private final FileSlice slice;

    FileSliceRegion(FileSlice slice) {
        super(slice.channel(), slice.position(), slice.sizeInBytes());
        this.slice = slice;
    }

    @Override
    protected void deallocate() {
        slice.release();
    }
}
