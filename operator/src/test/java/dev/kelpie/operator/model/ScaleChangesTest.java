package dev.kelpie.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.ClusterSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

class ScaleChangesTest {

    @Test
    void scalingWithinTheQuorumSizeOrAboveItIsQuiet() {
        assertThat(ScaleChanges.check(cluster(5), statefulSet(3))).isEmpty();
        assertThat(ScaleChanges.check(cluster(3), statefulSet(3))).isEmpty();
        assertThat(ScaleChanges.check(cluster(3), null)).as("a new cluster").isEmpty();
    }

    @Test
    void scalingAcrossThreeChangesTheVoters() {
        assertThat(ScaleChanges.check(cluster(3), statefulSet(1))).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(ScaleChanges.QUORUM_VOTERS_CHANGE);
            assertThat(p.blocking()).isFalse();
            assertThat(p.message()).contains("from 1 to 3 voter(s)");
        });
    }

    @Test
    void scalingDownNamesTheRemovedNodes() {
        assertThat(ScaleChanges.check(cluster(3), statefulSet(5))).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(ScaleChanges.SCALE_DOWN);
            assertThat(p.message()).contains("removes node(s) 3-4");
        });
        assertThat(ScaleChanges.check(cluster(1), statefulSet(2))).extracting(SpecProblem::reason)
                .containsExactly(ScaleChanges.QUORUM_VOTERS_CHANGE, ScaleChanges.SCALE_DOWN);
        assertThat(ScaleChanges.check(cluster(0), statefulSet(3))).as("refused elsewhere").isEmpty();
    }

    private static Cluster cluster(int replicas) {
        Cluster cluster = new Cluster();
        cluster.setSpec(new ClusterSpec());
        cluster.getSpec().setReplicas(replicas);
        return cluster;
    }

    private static StatefulSet statefulSet(int replicas) {
        return new StatefulSetBuilder().withNewSpec().withReplicas(replicas).endSpec().build();
    }
}
