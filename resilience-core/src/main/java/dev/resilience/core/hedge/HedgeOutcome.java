package dev.resilience.core.hedge;

/**
 * What the attempts of one hedged call produced so far, under the race's lock. The first attempt whose
 * result wins decides; when every attempt launched has ended without a winner, the first result that came
 * decides, or else the first attempt's failure with the others' suppressed.
 */
final class HedgeOutcome {
    boolean decided;
    int winner = -1;
    Object value;
    Throwable failure;
    boolean hasResult;
    Object firstResult;
    Throwable firstAttemptFailure;
    Throwable[] otherFailures;
    int launched;
    int ended;

    HedgeOutcome(int maxHedges) {
        this.otherFailures = new Throwable[maxHedges + 1];
    }

    /** Attempt {@code index} ended. @return whether that decided the race */
    boolean ended(int index, Object result, Throwable thrown, boolean winning) {
        ended++;
        if (decided) {
            return false;
        }
        if (thrown == null && winning) {
            decided = true;
            winner = index;
            value = result;
            return true;
        }
        if (thrown == null) {
            if (!hasResult) {
                hasResult = true;
                firstResult = result;
            }
        } else if (index == 0) {
            firstAttemptFailure = thrown;
        } else {
            otherFailures[index] = thrown;
        }
        if (ended == launched) {
            decideWithoutWinner();
            return true;
        }
        return false;
    }

    void decideWithoutWinner() {
        decided = true;
        if (hasResult) {
            value = firstResult;
            return;
        }
        Throwable first = firstAttemptFailure;
        if (first == null) { // the first attempt was stopped (the caller gave up): report the first failure
            for (Throwable other : otherFailures) {
                if (other != null) {
                    first = other;
                    break;
                }
            }
        }
        if (first == null) {
            failure = new java.util.concurrent.CancellationException("every attempt was cancelled");
            return;
        }
        for (Throwable other : otherFailures) {
            if (other != null && other != first) {
                first.addSuppressed(other);
            }
        }
        failure = first;
    }
}
