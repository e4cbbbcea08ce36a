package dev.resilience.benchmarks;

/** Set-up assertions, so a benchmark cannot silently measure something other than what it claims. */
final class Checks {

    private Checks() {
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("benchmark set-up check failed: " + message);
        }
    }

    static void rejects(String who, Runnable call, Class<? extends Throwable> expected) {
        try {
            call.run();
        } catch (Throwable thrown) {
            check(expected.isInstance(thrown), who + " threw " + thrown + ", expected " + expected.getName());
            return;
        }
        throw new IllegalStateException("benchmark set-up check failed: " + who + " did not reject the call");
    }
}
