package dev.kelpie.broker.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/** Test helper: what a socket would receive for outbound parts (ByteBufs and FileRegions). */
public final class Parts {
    private Parts() {
    }

    /** The bytes of {@code part}; releases it. */
    public static byte[] drain(Object part) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drainInto(part, out);
        return out.toByteArray();
    }

    /** The bytes of all parts in order; releases them. */
    public static byte[] drainAll(List<Object> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(part -> drainInto(part, out));
        return out.toByteArray();
    }

    private static void drainInto(Object part, ByteArrayOutputStream out) {
        try {
            if (part instanceof ByteBuf buf) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                out.write(bytes);
            } else if (part instanceof FileRegion region) {
                WritableByteChannel target = Channels.newChannel(out);
                while (region.transferred() < region.count()) {
                    region.transferTo(target, region.transferred());
                }
            } else {
                throw new AssertionError("unexpected outbound part " + part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ReferenceCountUtil.release(part);
        }
    }
}
