package dev.kelpie.broker.network;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The network buffer a parsed request still aliases (a Produce request's records), held until the request's
 * handler stage completes, then handed back to Netty's pool exactly once.
 *
 * <p>Why: copying a produce frame into a heap buffer costs two copies per byte (Netty's buffer into the heap,
 * then the JDK's heap-to-direct copy inside {@code FileChannel.write}) plus zeroing and garbage. Parsing the
 * pooled direct frame in place lets the log write it to the file straight from the network buffer.
 *
 * <p>Thread-safety: {@link #release} may be called from any thread, any number of times.
 */
final class FrameLease {
    /** For requests that alias nothing (their frame was copied). */
    static final FrameLease NONE = new FrameLease(null);

    private final ByteBuf frame;
    private final AtomicBoolean released = new AtomicBoolean();

    private FrameLease(ByteBuf frame) {
        this.frame = frame;
    }

    /** Takes over one reference to {@code frame}. */
    static FrameLease of(ByteBuf frame) {
        return new FrameLease(frame);
    }

    void release() {
        if (frame != null && released.compareAndSet(false, true)) {
            frame.release();
        }
    }
}
