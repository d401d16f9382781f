package dev.kelpie.operator.rolling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.operator.model.RestartHash;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestartPlannerTest {

    private static final String NEW = "new";
    private static final String OLD = "old";

    @Test
    void upToDateWhenEveryPodCarriesTheDesiredHash() {
        assertThat(plan(3, 3, pods(pod(0, NEW, true), pod(1, NEW, true), pod(2, NEW, false))))
                .isInstanceOf(RestartDecision.UpToDate.class);
    }

    @Test
    void restartsTheHighestOrdinalFirstWhenAllAreVoters() {
        RestartDecision decision = plan(3, 3, pods(pod(0, OLD, true), pod(1, OLD, true), pod(2, OLD, true)));

        assertThat(decision).isEqualTo(new RestartDecision.Restart("kc1-2", RestartReason.PodOutOfDate,
                "pod kc1-2 runs restart hash old, desired new", 3));
    }

    @Test
    void restartsBrokersThatAreNotVotersBeforeVoters() {
        List<Pod> pods = pods(pod(0, OLD, true), pod(1, NEW, true), pod(2, OLD, true), pod(3, OLD, true),
                pod(4, NEW, true));

        assertThat(restarted(plan(5, 3, pods))).isEqualTo("kc1-3");
        assertThat(restarted(plan(5, 3, replace(pods, pod(3, NEW, true))))).isEqualTo("kc1-2");
        assertThat(restarted(plan(5, 3, replace(replace(pods, pod(3, NEW, true)), pod(2, NEW, true)))))
                .isEqualTo("kc1-0");
    }

    @Test
    void waitsWhileAnyPodIsNotReady() {
        RestartDecision decision = plan(3, 3, pods(pod(0, OLD, true), pod(1, NEW, false), pod(2, OLD, true)));

        assertThat(decision).isEqualTo(new RestartDecision.Wait("pod kc1-1 is not ready", 2));
    }

    @Test
    void restartsAStuckOutOfDatePodEvenWhenOthersAreNotReady() {
        Pod stuck = new PodBuilder(pod(1, OLD, false)).editStatus().addNewContainerStatus().withName("broker")
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                .endContainerStatus().endStatus().build();

        RestartDecision decision = plan(3, 3, pods(pod(0, OLD, false), stuck, pod(2, OLD, true)));

        assertThat(decision).isInstanceOf(RestartDecision.Restart.class);
        assertThat(((RestartDecision.Restart) decision).reason()).isEqualTo(RestartReason.PodStuck);
        assertThat(restarted(decision)).isEqualTo("kc1-1");
    }

    @Test
    void restartsAnUnschedulableOutOfDatePod() {
        Pod pending = new PodBuilder(pod(2, OLD, false)).editStatus().withPhase("Pending").addNewCondition()
                .withType("PodScheduled").withStatus("False").withReason("Unschedulable").endCondition()
                .endStatus().build();

        assertThat(restarted(plan(3, 3, pods(pod(0, OLD, true), pod(1, OLD, true), pending)))).isEqualTo("kc1-2");
    }

    @Test
    void waitsWhileAPodIsTerminating() {
        Pod terminating = new PodBuilder(pod(2, OLD, true)).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();

        assertThat(plan(3, 3, pods(pod(0, OLD, true), pod(1, OLD, true), terminating)))
                .isEqualTo(new RestartDecision.Wait("pod kc1-2 is terminating", 3));
    }

    @Test
    void waitsForAPodItDeletedThatTheCacheStillShows() {
        List<Pod> pods = pods(pod(0, OLD, true), pod(1, OLD, true), pod(2, OLD, true));

        RestartDecision decision = RestartPlanner.plan("kc1", 3, 3, NEW, pods, Set.of("uid-2"));

        assertThat(decision).isEqualTo(new RestartDecision.Wait("pod kc1-2 is terminating", 3));
    }

    @Test
    void waitsForMissingPodsBeforeRestartingAny() {
        assertThat(plan(3, 3, pods(pod(0, OLD, true), pod(2, OLD, true))))
                .isEqualTo(new RestartDecision.Wait("1 of 3 pods do not exist yet", 2));
        assertThat(plan(3, 3, pods(pod(0, NEW, true)))).isInstanceOf(RestartDecision.UpToDate.class);
    }

    @Test
    void ignoresPodsBeingScaledAwayAndCountsPodsWithoutHashAsOutOfDate() {
        Pod unannotated = new PodBuilder(pod(1, NEW, true)).editMetadata().withAnnotations(null).endMetadata().build();

        RestartDecision decision = plan(2, 3, pods(pod(0, NEW, true), unannotated, pod(2, OLD, false)));

        assertThat(decision).isEqualTo(new RestartDecision.Restart("kc1-1", RestartReason.PodOutOfDate,
                "pod kc1-1 runs restart hash null, desired new", 1));
    }

    private static RestartDecision plan(int replicas, int voters, List<Pod> pods) {
        return RestartPlanner.plan("kc1", replicas, voters, NEW, pods, Set.of());
    }

    private static String restarted(RestartDecision decision) {
        assertThat(decision).isInstanceOf(RestartDecision.Restart.class);
        return ((RestartDecision.Restart) decision).pod();
    }

    private static List<Pod> pods(Pod... pods) {
        return List.of(pods);
    }

    private static List<Pod> replace(List<Pod> pods, Pod pod) {
        List<Pod> replaced = new ArrayList<>(pods);
        replaced.replaceAll(p -> p.getMetadata().getName().equals(pod.getMetadata().getName()) ? pod : p);
        return replaced;
    }

    private static Pod pod(int ordinal, String hash, boolean ready) {
        return new PodBuilder()
                .withNewMetadata()
                    .withName("kc1-" + ordinal)
                    .withUid("uid-" + ordinal)
                    .addToAnnotations(RestartHash.ANNOTATION, hash)
                .endMetadata()
                .withNewStatus()
                    .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
    }
}
