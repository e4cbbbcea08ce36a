package dev.resilience.core.internal;

/**
 * One policy's part of a synchronous execution. The pipeline nests stages in its one order, outermost first;
 * each stage runs the ones inside it through {@link #execute}, ending at the call itself. Stages are built
 * once per pipeline and hold no per-call state, so a call allocates nothing here.
 *
 * <p>Not API: how the pipeline drives the policies.
 */
public abstract class SyncStage {

    /**
     * Runs {@code call} through this stage and those inside it.
     *
     * @param call       the user's code, of the kind {@code kind} says (see {@link Invocation})
     * @param kind       one of the {@link Invocation} kinds
     * @param argument   for a {@link Invocation#FUNCTION}, its argument; for the other kinds, the call's own
     *                   fallback function or {@code null} (only the fallback stage reads it then)
     * @param startNanos when an enclosing stage already read the pipeline's clock for this attempt, that
     *                   reading (so an inner stage need not read it again); {@link Invocation#NO_TIME} otherwise
     * @return what the call returned, possibly replaced by a stage (a fallback)
     * @throws Throwable what the call threw, possibly replaced by a stage's own exception
     */
    public abstract Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable;

    /** The innermost stage: the call itself. */
    public static final SyncStage CALL = new SyncStage() {
        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            return Invocation.invoke(call, kind, argument);
        }

        @Override
        public String toString() {
            return "call";
        }
    };
}
