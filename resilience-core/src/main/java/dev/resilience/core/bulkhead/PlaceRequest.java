package dev.resilience.core.bulkhead;

/**
 * What a caller that must never block asks a {@link Bulkhead} for: a place, now or when one is freed, see
 * {@link Bulkhead#acquireAsync(String, PlaceRequest)}. Exactly one of the two methods is called, exactly once,
 * never under the bulkhead's lock. Both run on whatever thread settles the request (the caller's, the one
 * releasing a place, the clock's timer), so they must be short and must not throw: anything more is handed on
 * to an executor. (Should one throw while the bulkhead delivers a grant, what it threw goes to that thread's
 * uncaught exception handler; thrown while {@code acquireAsync} runs, it reaches its caller.)
 */
interface PlaceRequest {

    /** The caller is inside, holding {@code permit}, which it must release exactly once. */
    void granted(Bulkhead.Permit permit);

    /** No place became free in time (or none was free and the bulkhead does not wait); counted already. */
    void rejected(BulkheadFullException full);
}
