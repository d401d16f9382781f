package dev.kelpie.operator.rolling;

import dev.kelpie.operator.model.RestartHash;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Picks the next broker pod to restart, as a pure function of the pods' state. The StatefulSet uses
 * {@code updateStrategy: OnDelete}, so pods only change when this planner has one deleted.
 *
 * <ol>
 *   <li>Pods with ordinals at or above {@code replicas} are being scaled away and ignored.
 *   <li>While any pod is terminating, or is one this operator deleted but its cache still shows, wait: a
 *       restart is in progress.
 *   <li>No pod out of date (restart hash differs from the desired one): up to date, even if pods are
 *       still missing, because the StatefulSet creates them from the current template.
 *   <li>While a pod is missing, wait for the StatefulSet to create it.
 *   <li>An out-of-date pod that cannot start (crash loop, image pull failure, unschedulable) is restarted
 *       first, whatever the others' state: it is already down, and the new template may be its fix.
 *   <li>While any pod is not ready, wait: a restart now could take two brokers down at once.
 *   <li>Restart one out-of-date pod: brokers that are not quorum voters first, then voters, highest
 *       ordinal first within each group, so the quorum is disturbed last.
 * </ol>
 *
 * <p>Not yet here (comes with replication): keeping every partition at or above
 * {@code min.insync.replicas}, restarting the active controller last, waiting for a restarted broker to
 * catch up. Stateless and thread-safe.
 */
public final class RestartPlanner {

    private RestartPlanner() {
    }

    /**
     * @param statefulSet the StatefulSet's name, the prefix of its pods' names
     * @param replicas desired pods
     * @param voters how many of the first pods are quorum voters
     * @param desiredHash the restart hash of the current template
     * @param pods the Cluster's pods as last seen
     * @param deletedPodUids pods this operator deleted whose deletion the cache may not show yet
     */
    public static RestartDecision plan(String statefulSet, int replicas, int voters, String desiredHash,
            List<Pod> pods, Set<String> deletedPodUids) {
        TreeMap<Integer, Pod> byOrdinal = new TreeMap<>();
        for (Pod pod : pods) {
            OptionalInt ordinal = PodStates.ordinal(pod, statefulSet);
            if (ordinal.isPresent() && ordinal.getAsInt() < replicas) {
                byOrdinal.put(ordinal.getAsInt(), pod);
            }
        }
        List<Pod> outdated = byOrdinal.values().stream()
                .filter(p -> !desiredHash.equals(PodStates.hash(p, RestartHash.ANNOTATION)))
                .toList();
        Optional<Pod> terminating = byOrdinal.values().stream()
                .filter(p -> PodStates.terminating(p) || deletedPodUids.contains(p.getMetadata().getUid()))
                .findFirst();
        if (terminating.isPresent()) {
            return new RestartDecision.Wait("pod " + name(terminating.get()) + " is terminating", outdated.size());
        }
        if (outdated.isEmpty()) {
            return new RestartDecision.UpToDate();
        }
        if (byOrdinal.size() < replicas) {
            return new RestartDecision.Wait((replicas - byOrdinal.size()) + " of " + replicas
                    + " pods do not exist yet", outdated.size());
        }
        for (Pod pod : outdated) {
            Optional<String> stuck = PodStates.stuckReason(pod);
            if (stuck.isPresent() && !PodStates.ready(pod)) {
                return new RestartDecision.Restart(name(pod), RestartReason.PodStuck, "pod " + name(pod)
                        + " is out of date and cannot start (" + stuck.get() + ")", outdated.size());
            }
        }
        Optional<Pod> unready = byOrdinal.values().stream().filter(p -> !PodStates.ready(p)).findFirst();
        if (unready.isPresent()) {
            return new RestartDecision.Wait("pod " + name(unready.get()) + " is not ready", outdated.size());
        }
        Pod next = restartOrder(outdated, statefulSet, voters).get(0);
        return new RestartDecision.Restart(name(next), RestartReason.PodOutOfDate, "pod " + name(next)
                + " runs restart hash " + PodStates.hash(next, RestartHash.ANNOTATION) + ", desired " + desiredHash,
                outdated.size());
    }

    private static List<Pod> restartOrder(List<Pod> outdated, String statefulSet, int voters) {
        Comparator<Pod> order = Comparator
                .comparing((Pod p) -> PodStates.ordinal(p, statefulSet).getAsInt() < voters)
                .thenComparing(p -> -PodStates.ordinal(p, statefulSet).getAsInt());
        List<Pod> sorted = new ArrayList<>(outdated);
        sorted.sort(order);
        return sorted;
    }

    private static String name(Pod pod) {
        return pod.getMetadata().getName();
    }
}
