package dev.kelpie.broker.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shipped Grafana dashboards ({@code grafana-dashboards/*.json}) and alert rules
 * ({@code grafana-dashboards/alerts/*.yml}), as lists of PromQL queries for the tests.
 */
public final class Dashboards {
    /** From the module directory, where Maven runs the tests (broker or operator). */
    public static final Path DIR = Path.of("..", "grafana-dashboards");
    public static final Path RULES = DIR.resolve("alerts").resolve("kelpie-rules.yml");

    /** The prefix of the operator's metric names. */
    public static final String OPERATOR_PREFIX = "kelpie_operator_";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * One PromQL query of a dashboard panel, a dashboard variable or an alert rule.
     *
     * @param source the dashboard uid or the rules file name
     * @param title the panel title, {@code $variable}, or the alert name
     * @param expr the query as written, with Grafana variables
     */
    public record Query(String source, String title, String expr) {
        @Override
        public String toString() {
            return source + " / " + title + ": " + expr;
        }
    }

    private Dashboards() {
    }

    public static List<Path> dashboardFiles() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(Path dashboard) {
        try {
            return JSON.readTree(dashboard.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every target expression of every panel (rows included) of every dashboard. */
    public static List<Query> panelQueries() {
        List<Query> out = new ArrayList<>();
        for (Path file : dashboardFiles()) {
            JsonNode board = read(file);
            collectPanels(board.path("uid").asText(), board.path("panels"), out);
        }
        return out;
    }

    private static void collectPanels(String uid, JsonNode panels, List<Query> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new Query(uid, panel.path("title").asText(), target.path("expr").asText()));
            }
            collectPanels(uid, panel.path("panels"), out);
        }
    }

    /**
     * Every panel query and the selector of every {@code label_values} variable (titled {@code $name}; null
     * for another kind of variable query, which fails the callers' checks).
     */
    public static List<Query> panelAndVariableQueries() {
        List<Query> out = new ArrayList<>(panelQueries());
        variableQueries().forEach(v -> out.add(new Query(v.source(), v.title(), PromQl.labelValuesSelector(v.expr()))));
        return out;
    }

    /**
     * Whether {@code q} is about the operator: every metric it selects is the operator's. The operator's
     * OperatorMetricsIT checks these with a running operator, the broker's MetricsIT all others.
     */
    public static boolean isOperator(Query q) {
        var names = PromQl.metricNames(q.expr());
        return !names.isEmpty() && names.stream().allMatch(n -> n.startsWith(OPERATOR_PREFIX));
    }

    /** The selector of every {@code label_values} variable; other query variables fail the caller's checks. */
    public static List<Query> variableQueries() {
        List<Query> out = new ArrayList<>();
        for (Path file : dashboardFiles()) {
            JsonNode board = read(file);
            for (JsonNode v : board.path("templating").path("list")) {
                if (v.path("type").asText().equals("query")) {
                    JsonNode q = v.path("query");
                    String text = q.isTextual() ? q.asText() : q.path("query").asText();
                    out.add(new Query(board.path("uid").asText(), "$" + v.path("name").asText(), text));
                }
            }
        }
        return out;
    }

    /** Every alert and recording rule expression of the rules file. */
    public static List<Query> ruleQueries() {
        List<Query> out = new ArrayList<>();
        try {
            JsonNode rules = YAML.readTree(RULES.toFile());
            for (JsonNode group : rules.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                    out.add(new Query(RULES.getFileName().toString(), name, rule.path("expr").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
