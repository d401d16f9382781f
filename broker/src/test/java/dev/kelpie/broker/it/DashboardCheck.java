package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kelpie.broker.metrics.Dashboards;
import dev.kelpie.broker.metrics.PromQl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks of the shipped dashboards and alert rules against a {@link PrometheusProcess}, shared by the
 * broker's {@code MetricsIT} and the operator's {@code OperatorMetricsIT} (through the broker's test-jar).
 * Each checks its own part of the queries ({@link Dashboards#isOperator}), so every query is checked once.
 *
 * <p>Thread-safety: stateless.
 */
public final class DashboardCheck {

    private DashboardCheck() {
    }

    /**
     * Each query, with {@code variables} substituted, succeeds and returns at least one series, except those
     * whose every metric has a prefix in {@code emptyByDesign} (prefix → why), which must return none (so the
     * list cannot go stale).
     *
     * @return how many queries returned data
     */
    public static int assertEveryQueryHasData(PrometheusProcess prometheus, List<Dashboards.Query> queries,
            Map<String, String> variables, Map<String, String> emptyByDesign) {
        Map<String, String> problems = new LinkedHashMap<>();
        int withData = 0;
        for (Dashboards.Query q : queries) {
            JsonNode answer = prometheus.query(PromQl.substitute(q.expr(), variables));
            if (!answer.path("status").asText().equals("success")) {
                problems.put(q.toString(), "error: " + answer.path("error").asText());
                continue;
            }
            int series = answer.path("data").path("result").size();
            String reason = emptyByDesign(q.expr(), emptyByDesign);
            if (reason == null && series == 0) {
                problems.put(q.toString(), "no series");
            } else if (reason != null && series > 0) {
                problems.put(q.toString(), "listed as empty by design (" + reason + ") but has " + series
                        + " series: take it off the list");
            }
            withData += series > 0 ? 1 : 0;
        }
        assertThat(problems).as("dashboard queries").isEmpty();
        return withData;
    }

    /** The reason when every metric {@code expr} selects has a prefix listed in {@code emptyByDesign}. */
    private static String emptyByDesign(String expr, Map<String, String> emptyByDesign) {
        List<String> reasons = PromQl.metricNames(expr).stream().map(name -> emptyByDesign.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null)).toList();
        return reasons.isEmpty() || reasons.contains(null) ? null : reasons.get(0);
    }

    /**
     * Every rule of {@link Dashboards#RULES} succeeds in the query API, and Prometheus' own evaluation loaded
     * every rule, evaluated it at least once and finds it healthy.
     */
    public static void assertEveryRuleEvaluates(PrometheusProcess prometheus) {
        List<Dashboards.Query> rules = Dashboards.ruleQueries();
        for (Dashboards.Query q : rules) {
            JsonNode answer = prometheus.query(q.expr());
            assertThat(answer.path("status").asText()).as(q + " → " + answer).isEqualTo("success");
        }
        await("rules evaluated").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> loaded = new ArrayList<>();
                    prometheus.getJson("/api/v1/rules").path("data").path("groups")
                            .forEach(g -> g.path("rules").forEach(loaded::add));
                    assertThat(loaded).extracting(r -> r.path("name").asText())
                            .containsExactlyInAnyOrderElementsOf(rules.stream().map(Dashboards.Query::title).toList());
                    assertThat(loaded).allSatisfy(r -> {
                        assertThat(r.path("health").asText()).as(r.toString()).isEqualTo("ok");
                        assertThat(r.path("lastEvaluation").asText()).as(r.toString()).doesNotStartWith("0001");
                    });
                });
    }

    /** The alerts Prometheus has now, pending or firing. */
    public static List<JsonNode> alerts(PrometheusProcess prometheus) {
        List<JsonNode> alerts = new ArrayList<>();
        prometheus.getJson("/api/v1/alerts").path("data").path("alerts").forEach(alerts::add);
        return alerts;
    }
}
