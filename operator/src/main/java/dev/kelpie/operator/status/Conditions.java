package dev.kelpie.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds status conditions the Kubernetes way: {@code lastTransitionTime} moves only when a condition's
 * status changes, so it tells how long a cluster has been (not) ready. Warnings are keyed by reason, so
 * there can be several {@code Warning} conditions at once.
 */
public final class Conditions {

    public static final String READY = "Ready";
    public static final String WARNING = "Warning";

    private Conditions() {
    }

    public static Condition of(String type, boolean status, String reason, String message, Long generation) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .build();
    }

    /**
     * {@code next} with each condition's transition time taken from {@code previous} when a condition of the
     * same type, reason (for warnings) and status was already there, and {@code now} otherwise.
     */
    public static List<Condition> withTransitionTimes(List<Condition> previous, List<Condition> next, Instant now) {
        String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
        List<Condition> result = new ArrayList<>();
        for (Condition condition : next) {
            String since = previous == null ? null : previous.stream()
                    .filter(p -> sameKey(p, condition) && Objects.equals(p.getStatus(), condition.getStatus()))
                    .map(Condition::getLastTransitionTime)
                    .filter(Objects::nonNull)
                    .findFirst().orElse(null);
            result.add(new ConditionBuilder(condition).withLastTransitionTime(since != null ? since : nowText).build());
        }
        return result;
    }

    /** The first condition of a type, or null. */
    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    private static boolean sameKey(Condition a, Condition b) {
        if (!Objects.equals(a.getType(), b.getType())) {
            return false;
        }
        return !WARNING.equals(a.getType()) || Objects.equals(a.getReason(), b.getReason());
    }
}
