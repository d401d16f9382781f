package dev.kelpie.broker.server;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Heap and CPU measurements of the test JVM, which hosts the broker: heap in use after a full collection, and
 * the bytes all threads allocate and the CPU time they use while a piece of code runs (exact per-thread
 * counters, so a transient multi-gigabyte buffer shows even when no collection sees it).
 */
final class HeapProbe {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private HeapProbe() {
    }

    /** Heap bytes in use after asking for full collections until the figure settles. */
    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used - 1024 * 1024) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    /** Bytes allocated by every live thread (broker threads included) while {@code task} runs. */
    static long allocatedDuring(Runnable task) {
        return measure(task).allocatedBytes();
    }

    /** What a piece of work cost the whole JVM (test and broker threads). */
    record Cost(long allocatedBytes, long cpuMs, long wallMs) {
        @Override
        public String toString() {
            return allocatedBytes / (1024 * 1024) + " MiB allocated, " + cpuMs + " ms CPU, " + wallMs + " ms wall";
        }
    }

    /**
     * Allocation and CPU time of every live thread while {@code task} runs. CPU time, unlike wall time, does not
     * depend on how busy the machine is, so it can be bounded in a test.
     */
    static Cost measure(Runnable task) {
        Map<Long, Long> allocatedBefore = allocatedByThread();
        Map<Long, Long> cpuBefore = cpuByThread();
        long startNs = System.nanoTime();
        task.run();
        long wallMs = (System.nanoTime() - startNs) / 1_000_000;
        return new Cost(sinceBefore(allocatedBefore, allocatedByThread()),
                sinceBefore(cpuBefore, cpuByThread()) / 1_000_000, wallMs);
    }

    private static long sinceBefore(Map<Long, Long> before, Map<Long, Long> after) {
        long total = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            total += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return total;
    }

    private static Map<Long, Long> cpuByThread() {
        Map<Long, Long> byThread = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long ns = THREADS.getThreadCpuTime(id);
            if (ns >= 0) {
                byThread.put(id, ns);
            }
        }
        if (byThread.isEmpty()) {
            throw new IllegalStateException("thread CPU time is not available in this JVM");
        }
        return byThread;
    }

    private static Map<Long, Long> allocatedByThread() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        if (byThread.isEmpty() || Arrays.stream(bytes).allMatch(b -> b < 0)) {
            throw new IllegalStateException("thread allocation counters are not available in this JVM");
        }
        return byThread;
    }

    /**
     * What a barrage of bad input got, case by case, and the heap in use around it: {@link #start} before the
     * first case, {@link #observe} per case, {@link #report} after the last (prints both, returns the growth).
     */
    static final class Barrage {
        private final Map<String, String> observed = new LinkedHashMap<>();
        private long heapBeforeBytes;

        void start() {
            heapBeforeBytes = usedAfterGc();
        }

        void observe(String name, String outcome) {
            observed.put(name, outcome);
        }

        String observed(String name) {
            return observed.get(name);
        }

        /** Prints every case and the heap before and after; returns how much the heap in use grew, in bytes. */
        long report() {
            long heapAfterBytes = usedAfterGc();
            observed.forEach((k, v) -> System.out.println("CASE | " + k + " | " + v));
            System.out.printf("HEAP | before %d MiB | after %d MiB%n", heapBeforeBytes >> 20, heapAfterBytes >> 20);
            return heapAfterBytes - heapBeforeBytes;
        }
    }
}
