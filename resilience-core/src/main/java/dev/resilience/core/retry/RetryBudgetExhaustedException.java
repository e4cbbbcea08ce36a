package dev.resilience.core.retry;

import dev.resilience.core.ResilienceException;

/**
 * Attached as a suppressed exception to a failure that was not retried because the retry budget was spent:
 * the caller (and a fallback) still gets the real failure.
 */
public class RetryBudgetExhaustedException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String budgetName;

    public RetryBudgetExhaustedException(String budgetName, double maxRetryRatio) {
        super("retry budget '" + budgetName + "' is spent: retries are at their share of "
                + Math.round(maxRetryRatio * 100) + "% of first attempts", null, false);
        this.budgetName = budgetName;
    }

    public String budgetName() {
        return budgetName;
    }
}
