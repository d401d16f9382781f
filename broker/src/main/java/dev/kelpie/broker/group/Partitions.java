package dev.kelpie.broker.group;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Helpers for sets of partitions keyed by topic id ({@code Map<Uuid, Set<Integer>>}), the shape KIP-848 uses
 * for assignments. Results are immutable, sorted and never hold an empty set.
 *
 * <p>Stateless; safe from any thread.
 */
final class Partitions {
    private Partitions() {
    }

    static Map<Uuid, Set<Integer>> copy(Map<Uuid, Set<Integer>> partitions) {
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        partitions.forEach((topic, set) -> {
            if (!set.isEmpty()) {
                out.put(topic, Collections.unmodifiableSet(new TreeSet<>(set)));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    static boolean contains(Map<Uuid, Set<Integer>> partitions, Uuid topic, int partition) {
        Set<Integer> set = partitions.get(topic);
        return set != null && set.contains(partition);
    }

    /** {@code a} without the partitions of {@code b}. */
    static Map<Uuid, Set<Integer>> minus(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        a.forEach((topic, set) -> {
            Set<Integer> kept = new TreeSet<>(set);
            kept.removeAll(b.getOrDefault(topic, Set.of()));
            out.put(topic, kept);
        });
        return copy(out);
    }

    /** Partitions in both. */
    static Map<Uuid, Set<Integer>> intersect(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        a.forEach((topic, set) -> {
            Set<Integer> kept = new TreeSet<>(set);
            kept.retainAll(b.getOrDefault(topic, Set.of()));
            out.put(topic, kept);
        });
        return copy(out);
    }

    static Map<Uuid, Set<Integer>> union(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        a.forEach((topic, set) -> out.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(set));
        b.forEach((topic, set) -> out.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(set));
        return copy(out);
    }

    static int count(Map<Uuid, Set<Integer>> partitions) {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }
}
