package dev.kelpie.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

    @Test
    void defaultsWatchAllNamespacesWithLeaderElection() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of("POD_NAMESPACE", "kelpie-system",
                "POD_NAME", "kelpie-operator-abc"));

        assertThat(settings.watchesAllNamespaces()).isTrue();
        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.leaderElection()).isTrue();
        assertThat(settings.leaseNamespace()).isEqualTo("kelpie-system");
        assertThat(settings.identity()).isEqualTo("kelpie-operator-abc");
        assertThat(settings.defaults().brokerImageRepository()).isEqualTo("kelpie/broker");
        assertThat(settings.defaults().brokerVersion()).isNotBlank().doesNotContain("${");
    }

    @Test
    void parsesACommaSeparatedNamespaceList() {
        OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of("KELPIE_WATCH_NAMESPACES",
                " team-a, team-b,,", "KELPIE_LEADER_ELECTION", "false", "KELPIE_OPERATOR_HTTP_PORT", "9090"));

        assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(settings.leaderElection()).isFalse();
        assertThat(settings.httpPort()).isEqualTo(9090);
    }

    @Test
    void refusesLeaderElectionWithoutANamespaceAndBadPorts() {
        assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of()))
                .hasMessageContaining("POD_NAMESPACE");
        assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of("KELPIE_LEADER_ELECTION", "false",
                "KELPIE_OPERATOR_HTTP_PORT", "http")))
                .hasMessageContaining("KELPIE_OPERATOR_HTTP_PORT");
    }
}
