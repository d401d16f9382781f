package dev.kelpie.operator.rolling;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** What the planner needs to know about a pod, read from its status. */
final class PodStates {

    /** Waiting reasons of a container that will not start without a change to its pod. */
    private static final Set<String> STUCK_WAITING_REASONS = Set.of("CrashLoopBackOff", "ImagePullBackOff",
            "ErrImagePull", "CreateContainerConfigError", "InvalidImageName");

    private PodStates() {
    }

    /** {@code n} for a pod named {@code <statefulSet>-n}. */
    static OptionalInt ordinal(Pod pod, String statefulSet) {
        String name = pod.getMetadata().getName();
        String prefix = statefulSet + "-";
        if (!name.startsWith(prefix)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(name.substring(prefix.length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    static boolean ready(Pod pod) {
        return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    static boolean terminating(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** Why the pod cannot start by itself, if it cannot. */
    static Optional<String> stuckReason(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        Optional<PodCondition> scheduled = condition(pod, "PodScheduled");
        if (scheduled.isPresent() && "False".equals(scheduled.get().getStatus())
                && "Unschedulable".equals(scheduled.get().getReason())) {
            return Optional.of("Unschedulable");
        }
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (statuses == null) {
            return Optional.empty();
        }
        return statuses.stream()
                .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
                .map(s -> s.getState().getWaiting().getReason())
                .filter(STUCK_WAITING_REASONS::contains)
                .findFirst();
    }

    static String hash(Pod pod, String annotation) {
        var annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(annotation);
    }

    private static Optional<PodCondition> condition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
