package dev.kelpie.broker.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The futures returned by {@link PartitionLog#awaitDurable}, keyed by the offset they wait for, and the
 * durable offset itself. One future per distinct offset, shared by every caller waiting for it.
 *
 * <p>Thread-safety: all methods are safe from any thread; the map is guarded by this object's monitor and
 * futures are completed outside it.
 */
final class DurabilityWaiters {
    private final NavigableMap<Long, CompletableFuture<Void>> waiters = new TreeMap<>();
    private long durableOffset;

    DurabilityWaiters(long durableOffset) {
        this.durableOffset = durableOffset;
    }

    synchronized long durableOffset() {
        return durableOffset;
    }

    /** A future completing once offsets below {@code offsetExclusive} are durable; null if already durable. */
    synchronized CompletableFuture<Void> await(long offsetExclusive) {
        if (offsetExclusive <= durableOffset) {
            return null;
        }
        return waiters.computeIfAbsent(offsetExclusive, k -> new CompletableFuture<>());
    }

    /** Raises the durable offset (never lowers it) and completes the waiters it covers. */
    void advance(long offset) {
        List<CompletableFuture<Void>> done;
        synchronized (this) {
            if (offset <= durableOffset) {
                return;
            }
            durableOffset = offset;
            done = drain(waiters.headMap(offset, true));
        }
        done.forEach(f -> f.complete(null));
    }

    /** Lowers the durable offset after truncation and fails waiters for offsets that no longer exist. */
    void truncate(long logEndOffset, RuntimeException cause) {
        List<CompletableFuture<Void>> failed;
        synchronized (this) {
            durableOffset = Math.min(durableOffset, logEndOffset);
            failed = drain(waiters.tailMap(logEndOffset, false));
        }
        failed.forEach(f -> f.completeExceptionally(cause));
    }

    /** Resets to {@code offset} after the log was emptied, failing every waiter. */
    void reset(long offset, RuntimeException cause) {
        List<CompletableFuture<Void>> failed;
        synchronized (this) {
            durableOffset = offset;
            failed = drain(waiters);
        }
        failed.forEach(f -> f.completeExceptionally(cause));
    }

    void failAll(RuntimeException cause) {
        List<CompletableFuture<Void>> failed;
        synchronized (this) {
            failed = drain(waiters);
        }
        failed.forEach(f -> f.completeExceptionally(cause));
    }

    synchronized boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    private static List<CompletableFuture<Void>> drain(Map<Long, CompletableFuture<Void>> view) {
        List<CompletableFuture<Void>> out = new ArrayList<>(view.values());
        view.clear();
        return out;
    }
}
