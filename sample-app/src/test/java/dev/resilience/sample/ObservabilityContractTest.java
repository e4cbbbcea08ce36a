package dev.resilience.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.yaml.snakeyaml.Yaml;

import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.test.ManualClock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The contract between {@code observability/} and what the application really exposes: every metric the Grafana
 * dashboard and the Prometheus alerting rules name exists in the sample app's {@code /actuator/prometheus}, with
 * every label they select, group by, put in a legend or an annotation, and every literal label value they
 * match ({@code state="OPEN"}, {@code kind=~"successful|failed"}). A renamed meter or tag, or a gauge that gains
 * a unit (and with it a {@code _percent} suffix), fails here rather than as an empty panel or a silent alert.
 *
 * <p>The PromQL is read with a few regular expressions, not a parser: metric names are the
 * {@code resilience_[a-z_]+} tokens; labels are the matchers inside {@code {...}}, the lists of
 * {@code by/without/on/ignoring/group_left/group_right (...)}, the legends' {@code {{label}}} and the
 * annotations' {@code $labels.label}. A label in a selector must exist on that selector's metric; any other
 * label on every resilience metric of its expression. {@code instance} and {@code job} are exempt: Prometheus
 * adds them to every series when it scrapes, so they are never in the exposition. Series Prometheus makes
 * itself ({@code up}) are not checked either.
 *
 * <p>The files are read from {@code ../observability}: Maven runs the tests with the module as working
 * directory. The scrape is checked in both formats Prometheus asks for: the classic text format and OpenMetrics.
 */
@SpringBootTest(classes = { SampleApplication.class, ObservabilityContractTest.TestClock.class },
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // One permit, refilled after an hour: the contract check's own limiter rejects its second call.
        properties = { "resilience.ratelimiter.instances.observabilityContract.limit-for-period=1",
                "resilience.ratelimiter.instances.observabilityContract.limit-refresh-period=1h" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // the traffic is driven once, for all the tests
class ObservabilityContractTest {

    private static final Path DASHBOARD = Path.of("../observability/grafana/resilience-dashboard.json");
    private static final Path RULES = Path.of("../observability/prometheus/resilience-rules.yml");

    /** Added by Prometheus at scrape time (the target's address and its scrape job): never in the exposition. */
    private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");

    private static final Pattern METRIC = Pattern.compile("\\bresilience_[a-z_]+\\b");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^{}]*)\\}");
    private static final Pattern MATCHER = Pattern
            .compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern GROUPING = Pattern
            .compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^()]*)\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_]\\w*)\\s*\\)");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_]\\w*)\\s*\\}\\}");
    private static final Pattern ANNOTATION_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_]\\w*)");
    private static final Pattern PLAIN_ALTERNATION = Pattern.compile("[A-Za-z0-9_]+(\\|[A-Za-z0-9_]+)*");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+).*$");
    private static final Pattern LABEL_PAIR = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    ManualClock clock;

    @Autowired
    RateLimiterRegistry rateLimiters;

    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * Traffic through every client, and serviceB's breaker through CLOSED, OPEN, HALF_OPEN and CLOSED again, as
     * in the end-to-end test. The sample has no rate limiter: the limiter created here gets its meters from the
     * starter like any other instance (every registry instance is metered, created at start-up or later).
     */
    @BeforeAll
    void driveTraffic() throws Exception {
        get("/");
        get("/async");
        get("/reactive");
        get("/configured");
        RateLimiter limiter = rateLimiters.instance("observabilityContract");
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.tryAcquirePermission()).isFalse();

        post("/b/chaos", "{\"failureRate\": 1.0, \"status\": 503, \"retryAfterSeconds\": 1}");
        try {
            for (int i = 0; i < 3; i++) {
                get("/");
            }
            Exposition open = Exposition.parse(scrape("text/plain;version=0.0.4"));
            assertThat(open.value("resilience_circuitbreaker_state", Map.of("name", "serviceB", "state", "OPEN")))
                    .isEqualTo(1.0);
            assertThat(open.value("resilience_circuitbreaker_failure_rate_percent", Map.of("name", "serviceB")))
                    .isGreaterThanOrEqualTo(50.0);
            clock.advance(Duration.ofSeconds(10));
        } finally {
            post("/b/chaos", "{}");
        }
        get("/");
        get("/");
        assertThat(Exposition.parse(scrape("text/plain;version=0.0.4"))
                .value("resilience_circuitbreaker_state", Map.of("name", "serviceB", "state", "CLOSED")))
                .isEqualTo(1.0);
    }

    @Test
    void everyMetricLabelAndValueTheDashboardAndTheRulesUseIsScraped() throws Exception {
        List<Query> queries = new ArrayList<>(dashboardQueries());
        List<Query> rules = ruleQueries();
        // Not vacuous: the files were found and read.
        assertThat(queries).hasSizeGreaterThan(25);
        assertThat(rules).extracting(Query::source).containsExactlyInAnyOrder("rule BreakerOpenTooLong",
                "rule BreakerFailureRateHigh", "rule BulkheadSaturated", "rule RetryBudgetSpent",
                "rule RateLimiterRejecting");
        queries.addAll(rules);

        for (String format : List.of("text/plain;version=0.0.4", "application/openmetrics-text;version=1.0.0")) {
            Exposition exposition = Exposition.parse(scrape(format));
            List<String> problems = new ArrayList<>();
            for (Query query : queries) {
                problems.addAll(check(query, exposition));
            }
            assertThat(problems).as("scraped as " + format).isEmpty();
        }
    }

    @Test
    void theDashboardShowsEveryResilienceMetricTheStarterExports() throws Exception {
        Set<String> shown = new TreeSet<>();
        for (Query query : dashboardQueries()) {
            shown.addAll(metrics(query.expr()));
        }
        Set<String> exported = new TreeSet<>(Exposition.parse(scrape("text/plain;version=0.0.4")).metrics());
        exported.removeIf(metric -> !metric.startsWith("resilience_"));
        assertThat(exported).as("the starter exports these: give each a panel in %s", DASHBOARD)
                .isSubsetOf(shown);
    }

    /** The checker itself: each kind of mistake it is there for is reported. */
    @Test
    void theCheckCatchesWrongNamesLabelsAndValues() throws Exception {
        Exposition exposition = Exposition.parse(scrape("text/plain;version=0.0.4"));
        assertThat(check(new Query("unit forgotten", "resilience_circuitbreaker_failure_rate > 25", Set.of()),
                exposition)).singleElement().asString().contains("resilience_circuitbreaker_failure_rate");
        assertThat(check(new Query("budget has no name", "sum by (name) (resilience_retry_budget_rejected_total)",
                Set.of()), exposition)).singleElement().asString().contains("'name'");
        assertThat(check(new Query("state spelled wrong", "resilience_circuitbreaker_state{state=\"Open\"} == 1",
                Set.of()), exposition)).singleElement().asString().contains("Open");
        assertThat(check(new Query("one kind wrong", "resilience_timeout_calls_total{kind=~\"timeout|timed_out\"}",
                Set.of()), exposition)).singleElement().asString().contains("timed_out");
        assertThat(check(new Query("legend label missing", "resilience_bulkhead_active_calls",
                Set.of("name", "kind")), exposition)).singleElement().asString().contains("'kind'");
        assertThat(check(new Query("scrape labels exempt",
                "count by (job, instance) (resilience_bulkhead_active_calls{job=~\"$job\", instance=~\"$i\"})",
                Set.of("instance")), exposition)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ the check

    /** A PromQL expression from one of the files, with the labels its legend or annotations use. */
    record Query(String source, String expr, Set<String> usedLabels) {
    }

    private static List<String> check(Query query, Exposition exposition) {
        List<String> problems = new ArrayList<>();
        String where = query.source() + ": ";
        Set<String> metrics = metrics(query.expr());
        for (String metric : metrics) {
            if (!exposition.has(metric)) {
                problems.add(where + "metric " + metric + " is not in the exposition");
            }
        }
        Matcher labelValues = LABEL_VALUES.matcher(query.expr());
        if (labelValues.matches()) {
            // A template variable: label_values(selector, label).
            problems.addAll(checkSelectors(where, labelValues.group(1), exposition, labelValues.group(2)));
            return problems;
        }
        problems.addAll(checkSelectors(where, query.expr(), exposition, null));
        Set<String> labels = new TreeSet<>(query.usedLabels());
        Matcher grouping = GROUPING.matcher(query.expr());
        while (grouping.find()) {
            for (String label : grouping.group(1).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.trim());
                }
            }
        }
        labels.removeAll(SCRAPE_LABELS);
        for (String label : labels) {
            for (String metric : metrics) {
                if (exposition.has(metric) && !exposition.labelNames(metric).contains(label)) {
                    problems.add(where + "label '" + label + "' is not on " + metric + " (it has "
                            + exposition.labelNames(metric) + ")");
                }
            }
        }
        return problems;
    }

    /**
     * Every {@code metric{matchers}} and bare {@code {__name__=~"...", matchers}} selector in {@code expr}: its
     * labels exist on its metric, its literal values among that label's values. {@code targetLabel} (of
     * label_values) must exist on at least one metric a bare selector selects.
     */
    private static List<String> checkSelectors(String where, String expr, Exposition exposition,
            String targetLabel) {
        List<String> problems = new ArrayList<>();
        Matcher selector = SELECTOR.matcher(expr);
        while (selector.find()) {
            String metric = selector.group(1);
            Map<String, String[]> matchers = new TreeMap<>();
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                matchers.put(matcher.group(1), new String[] { matcher.group(2), matcher.group(3) });
            }
            Set<String> selected = new TreeSet<>();
            if (metric != null) {
                if (!metric.startsWith("resilience_")) {
                    continue; // up and other series Prometheus makes itself
                }
                selected.add(metric);
            } else {
                String[] name = matchers.get("__name__");
                if (name == null) {
                    problems.add(where + "selector {" + selector.group(2) + "} names no metric");
                    continue;
                }
                Pattern names = Pattern.compile(name[0].equals("=") ? Pattern.quote(name[1]) : name[1]);
                exposition.metrics().stream().filter(m -> names.matcher(m).matches()).forEach(selected::add);
                if (selected.isEmpty()) {
                    problems.add(where + "__name__ " + name[0] + "\"" + name[1] + "\" selects no scraped metric");
                    continue;
                }
            }
            selected.removeIf(m -> !exposition.has(m)); // reported as missing already
            if (selected.isEmpty()) {
                continue;
            }
            for (Map.Entry<String, String[]> entry : matchers.entrySet()) {
                String label = entry.getKey();
                String op = entry.getValue()[0];
                String value = entry.getValue()[1];
                if (label.equals("__name__") || SCRAPE_LABELS.contains(label)) {
                    continue;
                }
                for (String m : selected) {
                    if (!exposition.labelNames(m).contains(label)) {
                        problems.add(where + "label '" + label + "' is not on " + m);
                        continue;
                    }
                    if (value.contains("$")) {
                        continue; // a dashboard variable
                    }
                    Set<String> values = exposition.labelValues(m, label);
                    if (op.equals("=") && !values.contains(value)) {
                        problems.add(where + m + " has no " + label + "=\"" + value + "\" (only " + values + ")");
                    } else if (op.equals("=~") && PLAIN_ALTERNATION.matcher(value).matches()) {
                        for (String alternative : value.split("\\|")) {
                            if (!values.contains(alternative)) {
                                problems.add(where + m + " has no " + label + "=\"" + alternative + "\" (only "
                                        + values + ")");
                            }
                        }
                    }
                }
            }
            if (targetLabel != null && !SCRAPE_LABELS.contains(targetLabel)
                    && selected.stream().noneMatch(m -> exposition.labelNames(m).contains(targetLabel))) {
                problems.add(where + "no metric of " + selected + " has label '" + targetLabel + "'");
            }
        }
        return problems;
    }

    private static Set<String> metrics(String expr) {
        Set<String> metrics = new TreeSet<>();
        Matcher metric = METRIC.matcher(expr);
        while (metric.find()) {
            metrics.add(metric.group());
        }
        return metrics;
    }

    // ------------------------------------------------------------------------------------------ the files

    /** Every panel target's expression (with its legend's labels) and every query variable's definition. */
    private static List<Query> dashboardQueries() throws IOException {
        JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
        List<Query> queries = new ArrayList<>();
        collectTargets(dashboard.get("panels"), queries);
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            if (variable.get("type").asString().equals("query")) {
                queries.add(new Query("variable " + variable.get("name").asString(),
                        variable.get("definition").asString(), Set.of()));
            }
        }
        return queries;
    }

    private static void collectTargets(JsonNode panels, List<Query> queries) {
        for (JsonNode panel : panels) {
            if (panel.has("panels")) {
                collectTargets(panel.get("panels"), queries); // panels inside a collapsed row
            }
            if (!panel.has("targets")) {
                continue;
            }
            for (JsonNode target : panel.get("targets")) {
                Set<String> legendLabels = new LinkedHashSet<>();
                Matcher label = LEGEND_LABEL.matcher(target.has("legendFormat")
                        ? target.get("legendFormat").asString() : "");
                while (label.find()) {
                    legendLabels.add(label.group(1));
                }
                queries.add(new Query("panel '" + panel.get("title").asString() + "' " + target.get("refId")
                        .asString(), target.get("expr").asString(), legendLabels));
            }
        }
    }

    /** Every alerting rule's expression, with the labels its annotations use. */
    @SuppressWarnings("unchecked")
    private static List<Query> ruleQueries() throws IOException {
        Map<String, Object> file;
        try (Reader reader = Files.newBufferedReader(RULES)) {
            file = new Yaml().load(reader);
        }
        List<Query> queries = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                Set<String> annotationLabels = new LinkedHashSet<>();
                Map<String, Object> annotations = (Map<String, Object>) rule.getOrDefault("annotations", Map.of());
                for (Object text : annotations.values()) {
                    Matcher label = ANNOTATION_LABEL.matcher(String.valueOf(text));
                    while (label.find()) {
                        annotationLabels.add(label.group(1));
                    }
                }
                queries.add(new Query("rule " + rule.get("alert"), String.valueOf(rule.get("expr")),
                        annotationLabels));
            }
        }
        return queries;
    }

    // ------------------------------------------------------------------------------------------ the scrape

    /** One series of a scrape: its labels and its value. */
    record Series(Map<String, String> labels, double value) {
    }

    /** The samples of one scrape: per metric (as Prometheus names the series), its series. */
    record Exposition(Map<String, List<Series>> series) {

        static Exposition parse(String body) {
            Map<String, List<Series>> series = new TreeMap<>();
            for (String line : body.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher sample = SAMPLE.matcher(line);
                assertThat(sample.matches()).as("sample line: %s", line).isTrue();
                Map<String, String> labels = new HashMap<>();
                Matcher pair = LABEL_PAIR.matcher(sample.group(2) == null ? "" : sample.group(2));
                while (pair.find()) {
                    labels.put(pair.group(1), pair.group(2));
                }
                series.computeIfAbsent(sample.group(1), name -> new ArrayList<>())
                        .add(new Series(labels, Double.parseDouble(sample.group(3))));
            }
            return new Exposition(series);
        }

        Set<String> metrics() {
            return series.keySet();
        }

        boolean has(String metric) {
            return series.containsKey(metric);
        }

        Set<String> labelNames(String metric) {
            Set<String> names = new TreeSet<>();
            series.getOrDefault(metric, List.of()).forEach(one -> names.addAll(one.labels().keySet()));
            return names;
        }

        Set<String> labelValues(String metric, String label) {
            Set<String> values = new TreeSet<>();
            for (Series one : series.getOrDefault(metric, List.of())) {
                if (one.labels().containsKey(label)) {
                    values.add(one.labels().get(label));
                }
            }
            return values;
        }

        /** The value of the one series of {@code metric} with {@code labels} (it may have more). */
        double value(String metric, Map<String, String> labels) {
            List<Series> matching = series.getOrDefault(metric, List.of()).stream()
                    .filter(one -> one.labels().entrySet().containsAll(labels.entrySet())).toList();
            assertThat(matching).as("%s%s", metric, labels).hasSize(1);
            return matching.get(0).value();
        }
    }

    private String scrape(String accept) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/actuator/prometheus"))
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        ManualClock resilienceClock() {
            return new ManualClock();
        }
    }
}
