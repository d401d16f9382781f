package dev.kelpie.broker.metadata;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current {@link MetadataImage} as handlers see it: one reference, swapped whole.
 *
 * <p>Thread-safety: safe from any thread. Updates may arrive out of order when publishers complete out of
 * order; an image older (by metadata-log offset) than the current one is ignored, so the cache only moves
 * forward.
 */
public final class MetadataCache {
    private final AtomicReference<MetadataImage> current;

    public MetadataCache(MetadataImage initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    public MetadataImage image() {
        return current.get();
    }

    /** Installs {@code next} unless a newer image is already installed. */
    public void update(MetadataImage next) {
        current.accumulateAndGet(next, (cur, candidate) -> candidate.lastOffset() >= cur.lastOffset() ? candidate : cur);
    }
}
