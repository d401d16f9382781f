package dev.kelpie.broker.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The server-side assignors of KIP-848 consumer groups.
 *
 * <ul>
 *   <li>{@code uniform} (the default): every partition of the subscribed topics goes to one member subscribed to
 *       its topic; members sharing a topic differ by at most one partition where the subscriptions allow it;
 *       sticky: a partition stays with its current target owner unless balance needs it elsewhere.</li>
 *   <li>{@code range}: per topic, the subscribed members in member-id order get contiguous ranges, the first
 *       {@code partitions % members} one partition more.</li>
 * </ul>
 *
 * <p>Stateless and deterministic; safe from any thread.
 */
public final class Assignors {
    public static final String UNIFORM = "uniform";
    public static final String RANGE = "range";
    /** Every assignor name, in Kelpie's default preference. */
    public static final List<String> NAMES = List.of(UNIFORM, RANGE);

    /** A member as the assignor sees it: its id and the topics it subscribes to. */
    record Member(String memberId, Set<Uuid> topics) {}

    private Assignors() {
    }

    /** {@code uniform}, {@code range}, or Kafka's assignor class names for them; empty for anything else. */
    public static Optional<String> canonicalName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim();
        if (n.equals(UNIFORM) || n.equals("org.apache.kafka.coordinator.group.assignor.UniformAssignor")) {
            return Optional.of(UNIFORM);
        }
        if (n.equals(RANGE) || n.equals("org.apache.kafka.coordinator.group.assignor.RangeAssignor")) {
            return Optional.of(RANGE);
        }
        return Optional.empty();
    }

    /**
     * The target assignment of every member.
     *
     * @param partitionCounts partitions of every subscribed topic that exists
     * @param current the previous target, for stickiness
     */
    static Map<String, Map<Uuid, Set<Integer>>> assign(String assignor, List<Member> members,
            Map<Uuid, Integer> partitionCounts, Map<String, Map<Uuid, Set<Integer>>> current) {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::memberId));
        Map<String, Map<Uuid, Set<Integer>>> result = RANGE.equals(assignor) ? range(sorted, partitionCounts)
                : uniform(sorted, partitionCounts, current);
        Map<String, Map<Uuid, Set<Integer>>> out = new TreeMap<>();
        for (Member m : sorted) {
            out.put(m.memberId(), Partitions.copy(result.getOrDefault(m.memberId(), Map.of())));
        }
        return out;
    }

    private static Map<String, Map<Uuid, Set<Integer>>> range(List<Member> members, Map<Uuid, Integer> counts) {
        Map<String, Map<Uuid, Set<Integer>>> out = new HashMap<>();
        for (Map.Entry<Uuid, Integer> topic : new TreeMap<>(counts).entrySet()) {
            List<Member> subscribed = members.stream().filter(m -> m.topics().contains(topic.getKey())).toList();
            if (subscribed.isEmpty()) {
                continue;
            }
            int n = topic.getValue();
            int per = n / subscribed.size();
            int extra = n % subscribed.size();
            int next = 0;
            for (int i = 0; i < subscribed.size(); i++) {
                int size = per + (i < extra ? 1 : 0);
                Set<Integer> range = new TreeSet<>();
                for (int p = next; p < next + size; p++) {
                    range.add(p);
                }
                next += size;
                out.computeIfAbsent(subscribed.get(i).memberId(), k -> new HashMap<>()).put(topic.getKey(), range);
            }
        }
        return out;
    }

    private record TopicPartition(Uuid topic, int partition) {}

    private static Map<String, Map<Uuid, Set<Integer>>> uniform(List<Member> members, Map<Uuid, Integer> counts,
            Map<String, Map<Uuid, Set<Integer>>> current) {
        Map<String, Member> byId = new HashMap<>();
        members.forEach(m -> byId.put(m.memberId(), m));
        Map<TopicPartition, String> owner = new HashMap<>();
        Map<String, Integer> load = new HashMap<>();
        members.forEach(m -> load.put(m.memberId(), 0));
        // keep the previous owner where it is still a subscribed member
        current.forEach((memberId, parts) -> {
            Member m = byId.get(memberId);
            if (m == null) {
                return;
            }
            parts.forEach((topic, set) -> set.forEach(p -> {
                TopicPartition tp = new TopicPartition(topic, p);
                if (m.topics().contains(topic) && p < counts.getOrDefault(topic, 0) && !owner.containsKey(tp)) {
                    owner.put(tp, memberId);
                    load.merge(memberId, 1, Integer::sum);
                }
            }));
        });
        List<TopicPartition> all = new ArrayList<>();
        new TreeMap<>(counts).forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                all.add(new TopicPartition(topic, p));
            }
        });
        for (TopicPartition tp : all) {
            if (!owner.containsKey(tp)) {
                leastLoaded(members, tp.topic(), load, null).ifPresent(m -> {
                    owner.put(tp, m);
                    load.merge(m, 1, Integer::sum);
                });
            }
        }
        rebalance(members, all, owner, load);
        Map<String, Map<Uuid, Set<Integer>>> out = new HashMap<>();
        owner.forEach((tp, m) -> out.computeIfAbsent(m, k -> new HashMap<>())
                .computeIfAbsent(tp.topic(), k -> new TreeSet<>()).add(tp.partition()));
        return out;
    }

    /** Moves partitions from members with at least two more than another eligible member, until none can move. */
    private static void rebalance(List<Member> members, List<TopicPartition> all, Map<TopicPartition, String> owner,
            Map<String, Integer> load) {
        boolean moved = true;
        int rounds = 0;
        while (moved && rounds++ <= all.size()) {
            moved = false;
            for (TopicPartition tp : all) {
                String from = owner.get(tp);
                if (from == null) {
                    continue;
                }
                Optional<String> to = leastLoaded(members, tp.topic(), load, from);
                if (to.isPresent() && load.get(to.get()) + 1 < load.get(from)) {
                    owner.put(tp, to.get());
                    load.merge(from, -1, Integer::sum);
                    load.merge(to.get(), 1, Integer::sum);
                    moved = true;
                }
            }
        }
    }

    private static Optional<String> leastLoaded(List<Member> members, Uuid topic, Map<String, Integer> load,
            String except) {
        String best = null;
        for (Member m : members) {
            if (m.topics().contains(topic) && !m.memberId().equals(except)
                    && (best == null || load.get(m.memberId()) < load.get(best))) {
                best = m.memberId();
            }
        }
        return Optional.ofNullable(best);
    }
}
