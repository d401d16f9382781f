package dev.kelpie.bench;

import java.nio.channels.FileChannel;

/**
 * The ceiling of group commit without any thread hand-off: a writer that needs its write durable either
 * starts the one fsync allowed in flight (covering every write completed so far, its own included) or waits
 * for the fsync in flight or the next one to cover it. One fsync per round, whatever the number of writers,
 * as the log's group commit, but run by the writers themselves.
 *
 * <p>Thread-safety: {@link #awaitDurable} is safe from any thread; state is guarded by this object's monitor.
 */
final class GroupForce {
    private final RollingFile file;
    /** Writes known durable (the file's write count when the last fsync started). */
    private long durableWrites;
    private boolean forceInFlight;

    GroupForce(RollingFile file) {
        this.file = file;
    }

    /** Returns once the first {@code writes} writes of {@link #file} are durable. */
    void awaitDurable(long writes) throws InterruptedException {
        while (true) {
            long target;
            FileChannel channel;
            synchronized (this) {
                while (forceInFlight && durableWrites < writes) {
                    wait();
                }
                if (durableWrites >= writes) {
                    return;
                }
                forceInFlight = true;
                // read under the file's lock: every write counted is complete, and a roll forced the files before
                target = file.writes();
                channel = file.current();
            }
            try {
                RollingFile.force(channel);
            } finally {
                synchronized (this) {
                    forceInFlight = false;
                    durableWrites = Math.max(durableWrites, target);
                    notifyAll();
                }
            }
        }
    }
}
