package dev.resilience.spring.autoconfigure;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.retry.RetryBudgetConfig;
import dev.resilience.core.spi.Clock;

/**
 * The retry budgets of {@code resilience.retry.budgets}, by name: one {@link RetryBudget} per name, shared by
 * every retry config and instance whose {@code budget} names it. Built and validated at start-up.
 */
public final class RetryBudgets {

    private static final String PREFIX = "resilience.retry.budgets";

    /** Replaced whole when a live reconfiguration changes the set ({@link #prepare}). */
    private volatile Map<String, RetryBudget> budgets;

    /** @param budgets the budgets by name */
    public RetryBudgets(Map<String, RetryBudget> budgets) {
        this.budgets = Collections.unmodifiableMap(new TreeMap<>(budgets));
    }

    /**
     * The budgets {@code properties} define, checked against these: a budget keeps its instance (and counts) and
     * takes its new settings when the returned change is applied; one no longer defined is dropped then. A name
     * not defined at start-up is refused: budgets are made, and metered, at start-up.
     *
     * @throws InvalidResilienceConfigException naming the property of the first invalid setting or new budget
     */
    Change prepare(Map<String, RetryProperties.Budget> properties) {
        Map<String, RetryBudgetConfig> configs = new TreeMap<>();
        Map<String, RetryBudget> next = new TreeMap<>();
        Map<String, RetryBudget> current = budgets;
        new TreeMap<>(properties).forEach((name, settings) -> {
            RetryBudget budget = current.get(name);
            if (budget == null) {
                throw new InvalidResilienceConfigException(PREFIX + "." + name, "is a new budget, but budgets are "
                        + "made at start-up (known budgets: " + (current.isEmpty() ? "none"
                                : String.join(", ", current.keySet())) + "); restart the application to add one");
            }
            configs.put(name, config(name, settings));
            next.put(name, budget);
        });
        return new Change(new RetryBudgets(next), () -> {
            configs.forEach((name, config) -> {
                RetryBudget budget = next.get(name);
                if (!budget.config().equals(config)) {
                    budget.reconfigure(config);
                }
            });
            budgets = Collections.unmodifiableMap(next);
        });
    }

    /**
     * A checked new set of budgets: {@code next} to resolve the retries' {@code budget} settings against, and
     * {@code apply} to put it in place.
     */
    record Change(RetryBudgets next, Runnable apply) {
    }

    /**
     * The budgets {@code properties} define, on {@code clock}.
     *
     * @throws InvalidResilienceConfigException naming the property of the first invalid setting
     */
    static RetryBudgets of(Map<String, RetryProperties.Budget> properties, Clock clock) {
        Map<String, RetryBudget> budgets = new TreeMap<>();
        properties.forEach((name, settings) -> budgets.put(name, RetryBudget.of(name, config(name, settings), clock)));
        return new RetryBudgets(budgets);
    }

    private static RetryBudgetConfig config(String name, RetryProperties.Budget settings) {
        RetryBudgetConfig.Builder builder = RetryBudgetConfig.builder();
        if (settings.getMaxRetryRatio() != null) {
            builder.maxRetryRatio(settings.getMaxRetryRatio());
        }
        if (settings.getWindow() != null) {
            builder.window(settings.getWindow());
        }
        if (settings.getMinRetriesPerSecond() != null) {
            builder.minRetriesPerSecond(settings.getMinRetriesPerSecond());
        }
        try {
            return builder.build();
        } catch (InvalidConfigException invalid) {
            throw ConfigRegistrar.propertyError(PREFIX + "." + name, invalid);
        }
    }

    /**
     * The budget a retry's {@code budget} setting at {@code property} names: {@code null} for a blank name (no
     * budget).
     *
     * @throws InvalidResilienceConfigException when no budget has that name, listing the known ones
     */
    RetryBudget resolve(String name, String property) {
        if (name.isBlank()) {
            return null;
        }
        RetryBudget budget = budgets.get(name.trim());
        if (budget == null) {
            throw new InvalidResilienceConfigException(property, "names budget '" + name + "', which is not defined; "
                    + (budgets.isEmpty() ? "define it under " + PREFIX + "." + name.trim()
                            : "known budgets: " + String.join(", ", budgets.keySet())));
        }
        return budget;
    }

    /** The budget called {@code name}. */
    public Optional<RetryBudget> find(String name) {
        return Optional.ofNullable(budgets.get(name));
    }

    /** Every budget, sorted by name. */
    public Collection<RetryBudget> all() {
        return budgets.values();
    }

    /** The budgets' names, sorted. */
    public Set<String> names() {
        return budgets.keySet();
    }

    @Override
    public String toString() {
        return "RetryBudgets" + budgets.keySet();
    }
}
