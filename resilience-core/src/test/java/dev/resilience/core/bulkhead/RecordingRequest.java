package dev.resilience.core.bulkhead;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link PlaceRequest} that records how it was settled, how often, and on which thread. */
class RecordingRequest implements PlaceRequest {

    final AtomicInteger callbacks = new AtomicInteger();
    private final CountDownLatch settled = new CountDownLatch(1);
    volatile Bulkhead.Permit permit;
    volatile BulkheadFullException rejection;
    volatile String thread;

    @Override
    public void granted(Bulkhead.Permit permit) {
        this.thread = Thread.currentThread().getName();
        this.permit = permit;
        callbacks.incrementAndGet();
        settled.countDown();
    }

    @Override
    public void rejected(BulkheadFullException full) {
        this.thread = Thread.currentThread().getName();
        this.rejection = full;
        callbacks.incrementAndGet();
        settled.countDown();
    }

    boolean isSettled() {
        return callbacks.get() > 0;
    }

    /** Waits (bounded) for the callback; whether it came. */
    boolean awaitSettled() throws InterruptedException {
        return settled.await(5, TimeUnit.SECONDS);
    }
}
