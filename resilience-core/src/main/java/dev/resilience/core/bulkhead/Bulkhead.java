package dev.resilience.core.bulkhead;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

import dev.resilience.core.Reconfigurable;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;

/**
 * A named, thread-safe limit on concurrent calls, with a live view of the calls inside it.
 *
 * <p>A {@link BulkheadConfig.Type#FIXED fixed} bulkhead has exactly {@code maxConcurrentCalls} preallocated
 * slots, and each call inside holds one; a slot records what the call is, its thread and when it entered, and
 * {@link #inFlightCalls()} reads them. Without a wait (the default) the slots are the permits: a call is admitted
 * by claiming a free slot with one CAS, threads start at different slots, and there is no shared counter to
 * contend on. Admission allocates nothing.
 *
 * <p>The limit can change (an {@link BulkheadConfig.Type#ADAPTIVE adaptive} bulkhead moves it, {@link
 * #reconfigure} sets it), and the slots stay the permits: there are as many slots as the highest limit allowed,
 * and those beyond the limit in force are <em>retired</em>, never claimed. A growth brings retired slots back; a
 * shrink retires free slots, and for each call inside beyond the new limit owes a retirement that the next call
 * to leave pays with its own slot instead of freeing it. While a retirement is owed nobody enters, so after a
 * shrink no call enters until the calls inside are below the new limit. Entering and leaving read one more
 * field (the retirements owed, zero unless a shrink is under way) and nothing else.
 *
 * <p>An adaptive bulkhead finds its limit from measured latency (see {@link AdaptiveLimit}; the limit in force is
 * {@link #limit()}). One call in {@value AdaptiveLimit#SAMPLE_EVERY} per slot has its latency measured; a call
 * that failed with an overload failure ({@link BulkheadConfig#isOverload}) or was marked timed out counts as
 * overload; any other failure does not move the limit. When the limit moves by more than 10% from the last one
 * announced, {@link EventType#BULKHEAD_LIMIT_CHANGED} is published.
 *
 * <p>With {@code maxWaitDuration}, callers that find every place taken wait in a queue, first come, first
 * served: an arriving caller takes a free place only while nobody is queued, and a call that leaves hands its
 * place to the first waiter. A waiting thread is parked (never on a monitor, so a virtual thread unmounts); the
 * deadline is a task on the bulkhead's {@link Clock}, so a manual clock decides when a wait ends. Leaving while
 * nobody waits takes no lock. Each wait allocates a queue entry and a deadline task.
 *
 * <p>{@link #reconfigure(BulkheadConfig) Reconfigurable} in place: see there.
 */
public final class Bulkhead implements Reconfigurable<BulkheadConfig> {

    /** Held by one call while it is inside the bulkhead. */
    public interface Permit {

        /**
         * Leaves the bulkhead after the call succeeded (for an adaptive bulkhead, its latency may be a sample).
         * Release exactly once: a repeated release is ignored until another call takes over the freed place,
         * after which it would end that call's stay instead.
         */
        void release();

        /**
         * Leaves the bulkhead after the call failed with {@code failure} ({@code null}: it succeeded). An adaptive
         * bulkhead shrinks its limit for an overload failure ({@link BulkheadConfig#isOverload}) and ignores any
         * other. Release exactly once, as {@link #release()}.
         */
        void release(Throwable failure);
    }

    private final String name;
    private volatile BulkheadConfig config;
    private final Clock clock;
    private final EventPublisher events;
    /** The slots (the permits), the layout every call reads and the retirements a shrink owes; the change lock. */
    private final SlotTable table;
    /** The limit in force and how it moves. */
    private final LimitChanges limits;
    /** What the calls of an adaptive bulkhead tell its limit; idle while the bulkhead is fixed. */
    private final AdaptiveFeedback feedback;
    private volatile long maxWaitNanos;
    private final LongAdder rejected = new LongAdder();

    static {
        StageFactories.register(Bulkhead.class, new BulkheadStages());
    }

    private Bulkhead(String name, BulkheadConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        this.maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
        this.feedback = new AdaptiveFeedback(this, clock);
        int max = config.maxConcurrentCalls();
        int start = max;
        AdaptiveLimit adaptive = null;
        if (config.isAdaptive()) {
            adaptive = new AdaptiveLimit(config, config.initialConcurrentCalls(), feedback);
            start = adaptive.limit();
        }
        this.table = new SlotTable(events, feedback, max, start,
                maxWaitNanos > 0 ? new WaitQueue(this, maxWaitNanos) : null, adaptive);
        this.limits = new LimitChanges(table, start);
        feedback.announced(start);
    }

    public static Bulkhead ofDefaults(String name) {
        return new Bulkhead(name, BulkheadConfig.ofDefaults(), Clock.system());
    }

    public static Bulkhead of(String name, BulkheadConfig config) {
        return new Bulkhead(name, config, Clock.system());
    }

    public static Bulkhead of(String name, BulkheadConfig config, Clock clock) {
        return new Bulkhead(name, config, clock);
    }

    /**
     * Enters the bulkhead, waiting up to {@code maxWaitDuration} for a permit. Callers wait in arrival order;
     * one that is granted a place after waiting is recorded as entering when it was granted.
     *
     * @param call       what the call is, for the live view (e.g. {@code InventoryClient.fetch})
     * @param startNanos the clock's {@link Clock#coarseNanoTime()} (or {@link Clock#nanoTime()}) now, when the
     *                   caller has already read it
     * @throws BulkheadFullException when no permit became free in time
     * @throws InterruptedException  when interrupted while waiting; the caller then holds no permit
     */
    public Permit acquire(String call, long startNanos) throws InterruptedException {
        SlotLayout current = table.layout();
        WaitQueue waiting = current.queue;
        if (waiting == null || waiting.isEmpty()) {
            Thread thread = Thread.currentThread();
            CallSlot slot = table.claim(current, thread);
            if (slot != null) {
                return occupy(slot, call, thread, startNanos, current.limiter);
            }
        }
        if (waiting == null || maxWaitNanos == 0) {
            throw rejected(call);
        }
        return waiting.await(call);
    }

    /** As {@link #acquire(String, long)}, reading the clock itself. */
    public Permit acquire(String call) throws InterruptedException {
        return acquire(call, clock.coarseNanoTime());
    }

    /**
     * Enters only if a permit is free now and nobody is waiting for one; {@code null} (counted as rejected)
     * otherwise. Never waits.
     */
    public Permit tryAcquire(String call) {
        SlotLayout current = table.layout();
        WaitQueue waiting = current.queue;
        if (waiting == null || waiting.isEmpty()) {
            Thread thread = Thread.currentThread();
            CallSlot slot = table.claim(current, thread);
            if (slot != null) {
                return occupy(slot, call, thread, clock.coarseNanoTime(), current.limiter);
            }
        }
        rejectedCall(call);
        return null;
    }

    /**
     * Enters without ever blocking the caller: for asynchronous callers, which continue on another thread.
     * Exactly one of {@code request}'s methods is called, exactly once: {@link PlaceRequest#granted granted}
     * here when a place is free and nobody waits; otherwise, with a max wait, the request is queued behind the
     * callers waiting already and granted later on the thread of the call that leaves a place for it, or
     * {@link PlaceRequest#rejected rejected} by the clock's timer task at the deadline; without a max wait it
     * is rejected here. The permit's slot records {@code call}, this thread and the time of the grant.
     *
     * @return withdraws the request while it waits: {@code true} when it was still queued (neither method is
     *         called then), {@code false} when it was granted or rejected already
     */
    Cancellable acquireAsync(String call, PlaceRequest request) {
        SlotLayout current = table.layout();
        WaitQueue waiting = current.queue;
        if (waiting == null || waiting.isEmpty()) {
            Thread thread = Thread.currentThread();
            CallSlot slot = table.claim(current, thread);
            if (slot != null) {
                request.granted(occupy(slot, call, thread, clock.coarseNanoTime(), current.limiter));
                return Cancellable.NONE;
            }
        }
        if (waiting == null || maxWaitNanos == 0) {
            request.rejected(rejected(call));
            return Cancellable.NONE;
        }
        return waiting.request(call, request);
    }

    /** Whether callers that find no place wait for one now. */
    boolean waits() {
        return maxWaitNanos != 0;
    }

    /** Counts and announces a rejection, and builds the exception reporting it. */
    BulkheadFullException rejected(String call) {
        rejectedCall(call);
        BulkheadConfig current = config;
        return new BulkheadFullException(name, limit(), current.maxWaitDuration(), current.writableStackTrace());
    }

    private void rejectedCall(String call) {
        rejected.increment();
        events.publish(EventType.BULKHEAD_REJECTED, call);
    }

    /** Records the call, granted a place after waiting, in its claimed slot and announces that it entered. */
    CallSlot occupy(CallSlot slot, String call, Thread thread, long startNanos) {
        return occupy(slot, call, thread, startNanos, table.layout().limiter);
    }

    /**
     * Records the call in its claimed slot and announces that it entered. An adaptive bulkhead measures one
     * occupancy in {@value AdaptiveLimit#SAMPLE_EVERY} of each slot: two precise clock reads are dearer than the rest.
     */
    private CallSlot occupy(CallSlot slot, String call, Thread thread, long startNanos, AdaptiveLimit limiter) {
        if (limiter != null) {
            slot.sampleStart = (++slot.uses & (AdaptiveLimit.SAMPLE_EVERY - 1)) == 0 ? clock.nanoTime()
                    : CallSlot.NOT_SAMPLED;
        }
        slot.occupy(call, thread, startNanos);
        if (events.isListening(EventType.BULKHEAD_ENTERED)) {
            events.publish(EventType.BULKHEAD_ENTERED, call);
        }
        return slot;
    }

    /** For a waiting caller at the head of the queue: a free slot, or {@code null}; see {@link SlotTable#claim}. */
    CallSlot claimPlace(Thread thread) {
        return table.claim(table.layout(), thread);
    }

    /** Whether a shrink still owes retirements (the calls inside are not yet below the limit). */
    boolean owesRetirement() {
        return table.owesRetirement();
    }

    /** For {@link AdaptiveFeedback}, which is built before the slots (the first adaptive limit needs it). */
    SlotTable slotTable() {
        return table;
    }

    /** As {@link #slotTable()}. */
    LimitChanges limitChanges() {
        return limits;
    }

    /** The calls inside the bulkhead now, longest-running first. */
    public List<InFlightCall> inFlightCalls() {
        return InFlightSnapshot.of(table.layout().slots, clock);
    }

    /** Calls inside now, counting places being handed to a waiting caller. */
    public int activeCalls() {
        return table.layout().taken();
    }

    /** Permits free now: the limit less the calls inside, never negative (after a shrink, calls may exceed it). */
    public int availablePermits() {
        return Math.max(0, limit() - activeCalls());
    }

    /**
     * The limit in force: {@code maxConcurrentCalls} for a fixed bulkhead, the limit found so far for an adaptive
     * one.
     */
    public int limit() {
        return limits.limit();
    }

    /** Calls waiting for a permit now; always zero without a max wait. */
    public int waitingCalls() {
        WaitQueue waiting = table.layout().queue;
        return waiting == null ? 0 : waiting.waiting();
    }

    /** Calls rejected since the bulkhead was created, each once, whether at once or at the end of its wait. */
    public long rejectedCalls() {
        return rejected.sum();
    }

    public String name() {
        return name;
    }

    @Override
    public BulkheadConfig config() {
        return config;
    }

    /**
     * Uses {@code config} from the next call on. The calls inside stay inside, each in its slot, and leave as
     * usual; a new limit applies to the next call: after a shrink nobody enters until the calls inside are below
     * it (each call leaving retires its slot until they are), after a growth waiting callers are let in at once.
     * A new max wait applies to the next waits (callers waiting keep their deadline). The type may change: fixed
     * to adaptive starts at {@code initialConcurrentCalls}; adaptive to adaptive keeps the limit found (within the
     * new bounds); adaptive to fixed takes {@code maxConcurrentCalls}.
     *
     * <p>Slots are added when {@code maxConcurrentCalls} grows past their number (retired, then brought into use
     * as the limit needs), never removed.
     */
    @Override
    public void reconfigure(BulkheadConfig next) {
        Objects.requireNonNull(next, "config");
        table.lock();
        try {
            waitUpTo(Clock.saturatedNanos(next.maxWaitDuration()));
            AdaptiveLimit adaptive = null;
            if (next.isAdaptive()) {
                adaptive = new AdaptiveLimit(next, config.isAdaptive() ? limits.limit() : next.initialConcurrentCalls(),
                        feedback);
                if (table.layout().limiter == null) {
                    table.forgetSamples();
                }
            }
            int target = adaptive != null ? adaptive.limit() : next.maxConcurrentCalls();
            table.install(table.layout().withLimiter(adaptive));
            table.ensureSlots(next.maxConcurrentCalls());
            if (target != limits.limit()) {
                limits.set(target);
            }
            config = next;
            feedback.announced(target);
        } finally {
            table.unlock();
        }
        table.grantWaiting();
        events.publish(EventType.BULKHEAD_CONFIG_CHANGED, next.toString());
    }

    /**
     * Under the change lock: the next waits end after {@code wait} (callers waiting keep their deadline). The queue
     * is made by the first config with a wait and kept: a bulkhead that never waited never reads one.
     */
    private void waitUpTo(long wait) {
        WaitQueue waiting = table.layout().queue;
        if (waiting != null) {
            waiting.maxWaitNanos(wait);
        } else if (wait > 0) {
            table.install(table.layout().withQueue(new WaitQueue(this, wait)));
        }
        maxWaitNanos = wait;
    }

    /** For tests: {@code observer} hears each new limit before it is in force (under the change lock). */
    void observeLimits(IntConsumer observer) {
        limits.observe(observer);
    }

    public EventPublisher events() {
        return events;
    }

    /** The clock this instance reads. */
    public Clock clock() {
        return clock;
    }

    /**
     * Back to how the bulkhead was built as far as it can be, for tests (resilience-test calls it between two
     * tests): the rejection counter at zero, an adaptive limit back at {@code initialConcurrentCalls} with
     * nothing measured. Calls inside or waiting stay: only they can leave.
     */
    public void resetToInitialState() {
        rejected.reset();
        table.lock();
        try {
            BulkheadConfig current = config;
            if (current.isAdaptive()) {
                AdaptiveLimit adaptive = new AdaptiveLimit(current, current.initialConcurrentCalls(), feedback);
                table.install(table.layout().withLimiter(adaptive));
                limits.set(adaptive.limit());
                feedback.announced(adaptive.limit());
            }
        } finally {
            table.unlock();
        }
    }

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", " + activeCalls() + "/" + limit() + "]";
    }
}
