package dev.kelpie.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kelpie.operator.TestClusters;
import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import dev.kelpie.operator.model.OperatorDefaults;
import dev.kelpie.operator.status.Conditions;
import dev.kelpie.operator.topic.TopicOutcome;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The assembled operator: leader election through a Lease, reconciling, metrics, health, clean stop. */
@EnableKubernetesMockClient(crud = true)
class KelpieOperatorTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void takesTheLeaseReconcilesAndReportsMetricsAndHealth() throws Exception {
        client.load(getClass().getResourceAsStream("/META-INF/fabric8/clusters.kelpie.dev-v1.yml")).create();
        client.load(getClass().getResourceAsStream("/META-INF/fabric8/topics.kelpie.dev-v1.yml")).create();
        allowLeases();
        AtomicInteger leaseLost = new AtomicInteger();
        OperatorSettings settings = new OperatorSettings(Set.of("test"), 0, true, "kelpie-operator",
                "kelpie-system", "operator-1", new OperatorDefaults("kelpie/broker", "0.1.0"));

        KelpieOperator operator = KelpieOperator.start(settings, client, o -> o
                .withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false), leaseLost::incrementAndGet);
        int port = operator.httpPort();
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Lease lease = client.leases().inNamespace("kelpie-system").withName("kelpie-operator").get();
                assertThat(lease).isNotNull();
                assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("operator-1");
            });
            client.resource(cluster()).create();
            client.resource(topicOfAMissingCluster()).create();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    client.apps().statefulSets().inNamespace("test").withName("kc1").get() != null);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Topic topic = client.resources(Topic.class).inNamespace("test").withName("t1").get();
                assertThat(topic.getStatus()).isNotNull();
                assertThat(Conditions.find(topic.getStatus().getConditions(), Conditions.READY).getReason())
                        .isEqualTo(TopicOutcome.REASON_CLUSTER_NOT_FOUND);
            });

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(port, "/metrics").body())
                    .contains("kelpie_operator_reconciliations_total{kind=\"Cluster\"}")
                    .contains("kelpie_operator_reconciliations_total{kind=\"Topic\"}")
                    .contains("kelpie_operator_reconciliation_duration_seconds_count{kind=\"Cluster\","
                            + "operation=\"reconcile\",outcome=\"success\"}")
                    .contains("kelpie_operator_reconciliation_duration_seconds_bucket{kind=\"Cluster\","
                            + "operation=\"reconcile\",outcome=\"success\",le=\"5.0\"}")
                    .contains("kelpie_operator_leader 1.0")
                    .contains("jvm_memory_used_bytes"));
            HttpResponse<String> health = get(port, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
        } finally {
            operator.close();
        }

        assertThatThrownBy(() -> get(port, "/healthz")).isInstanceOf(IOException.class);
        assertThat(leaseLost).as("a clean stop is not a lost lease").hasValue(0);
    }

    /**
     * JOSDK checks with a SelfSubjectRulesReview that it may use Leases before electing; the mock cannot
     * answer one, so it is told what the operator's Role grants.
     */
    private void allowLeases() {
        SelfSubjectRulesReview review = new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                    .withIncomplete(false)
                    .addNewResourceRule()
                        .withApiGroups("coordination.k8s.io")
                        .withResources("leases")
                        .withVerbs("get", "create", "update")
                    .endResourceRule()
                .endStatus()
                .build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, review).always();
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Topic topicOfAMissingCluster() {
        Topic topic = new Topic();
        topic.setMetadata(new ObjectMetaBuilder().withName("t1").withNamespace("test").build());
        TopicSpec spec = new TopicSpec();
        spec.setCluster("other");
        topic.setSpec(spec);
        return topic;
    }

    private static Cluster cluster() {
        return TestClusters.cluster("test", "kc1", 1);
    }
}
