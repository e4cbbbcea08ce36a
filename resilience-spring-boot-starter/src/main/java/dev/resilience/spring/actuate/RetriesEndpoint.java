package dev.resilience.spring.actuate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.spring.reconfigure.ConfigChanges;

/**
 * {@code /actuator/retries}: every retry's outcome counts (and the budget it takes its retries from, if any), and
 * every retry budget: its settings, the share of retries now and the retries it refused.
 */
@Endpoint(id = "retries")
public class RetriesEndpoint {

    private final RetryRegistry registry;
    private final Collection<RetryBudget> budgets;
    private final ConfigChanges changes;

    public RetriesEndpoint(RetryRegistry registry) {
        this(registry, List.of());
    }

    /**
     * @param budgets the configured budgets, listed even while no retry uses them (a budget a retry uses is listed
     *                anyway)
     */
    public RetriesEndpoint(RetryRegistry registry, Collection<RetryBudget> budgets) {
        this(registry, budgets, ConfigChanges.NONE);
    }

    /** @param changes the last live change of the settings of each retry, shown in its view once there is one */
    public RetriesEndpoint(RetryRegistry registry, Collection<RetryBudget> budgets, ConfigChanges changes) {
        this.registry = registry;
        this.budgets = budgets;
        this.changes = changes;
    }

    @ReadOperation
    public Map<String, Object> retries() {
        Map<String, Object> retries = new LinkedHashMap<>();
        Map<String, RetryBudget> budgetsByName = new TreeMap<>();
        budgets.forEach(budget -> budgetsByName.put(budget.name(), budget));
        for (Retry retry : registry.all()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("maxAttempts", retry.config().maxAttempts());
            view.put("successfulWithoutRetry", retry.successfulWithoutRetry());
            view.put("successfulWithRetry", retry.successfulWithRetry());
            view.put("failedWithRetry", retry.failedWithRetry());
            view.put("failedWithoutRetry", retry.failedWithoutRetry());
            RetryBudget budget = retry.budget();
            if (budget != null) {
                view.put("budget", budget.name());
                budgetsByName.putIfAbsent(budget.name(), budget);
            }
            changes.addTo(view, PolicyKind.RETRY, retry.name());
            retries.put(retry.name(), view);
        }
        Map<String, Object> budgetViews = new LinkedHashMap<>();
        budgetsByName.forEach((name, budget) -> budgetViews.put(name, view(budget)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("retries", retries);
        body.put("budgets", budgetViews);
        return body;
    }

    private static Map<String, Object> view(RetryBudget budget) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("maxRetryRatio", budget.config().maxRetryRatio());
        view.put("window", budget.config().window().toString());
        view.put("minRetriesPerSecond", budget.config().minRetriesPerSecond());
        view.put("ratio", budget.ratio());
        view.put("rejectedRetries", budget.rejectedRetries());
        return view;
    }
}
