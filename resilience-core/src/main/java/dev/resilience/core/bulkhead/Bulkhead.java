package dev.resilience.core.bulkhead;

import java.time.Duration;
import java.time.Instant;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

import dev.resilience.core.Outcomes;
import dev.resilience.core.Reconfigurable;

import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;

/**
 * A named, thread-safe limit on concurrent calls, with a live view of the calls inside it.
 *
 * <p>A {@link BulkheadConfig.Type#FIXED fixed} bulkhead has exactly {@code maxConcurrentCalls} preallocated
 * slots, and each call inside holds one; a slot records what the call is, its thread and when it entered, and
 * {@link #inFlightCalls()} reads them. Without a wait (the default) the slots are the permits: a call is admitted
 * by claiming a free slot with one CAS, threads start at different slots, and there is no shared counter to
 * contend on. Admission allocates nothing.
 *
 * <p>An {@link BulkheadConfig.Type#ADAPTIVE adaptive} bulkhead finds its limit from measured latency (see
 * {@link AdaptiveLimit}; the limit in force is {@link #limit()}): its calls enter through a count of the calls
 * inside, compared with the limit, and then take any free slot. One call in {@value AdaptiveLimit#SAMPLE_EVERY}
 * per slot has its latency measured; a call that failed with an overload failure ({@link
 * BulkheadConfig#isOverload}) or was marked timed out counts as overload; any other failure does not move the
 * limit. When the limit moves by more than 10% from the last one announced, {@link
 * EventType#BULKHEAD_LIMIT_CHANGED} is published.
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
    /** The callers waiting for a slot; {@code null} until a config with a max wait, when nobody ever waits. */
    private volatile WaitQueue queue;
    private volatile long maxWaitNanos;
    /** Never shorter than the limit in force; grows (copied) when a reconfiguration raises the limit past it. */
    private volatile CallSlot[] slots;
    /** {@code null} while the slots are the permits: a fixed bulkhead whose limit never changed. */
    private volatile Gate gate;
    /** {@code null} unless adaptive. */
    private volatile AdaptiveLimit limiter;
    /** The limit last announced by {@link EventType#BULKHEAD_LIMIT_CHANGED} (or set). */
    private int announced;
    /** Serialises the changes of limit (reconfiguration, the adaptive limit's moves): never taken per call. */
    private final ReentrantLock changes = new ReentrantLock();
    private final LongAdder rejected = new LongAdder();
    /** Told every limit before it is in force, under {@link #changes}: for tests that check the limit exactly. */
    private volatile IntConsumer limitObserver = limit -> { };

    static {
        StageFactories.register(Bulkhead.class, new BulkheadStages());
    }

    private Bulkhead(String name, BulkheadConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        this.maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
        this.queue = maxWaitNanos > 0 ? new WaitQueue(this, maxWaitNanos) : null;
        this.slots = newSlots(new CallSlot[0], config.maxConcurrentCalls());
        if (config.isAdaptive()) {
            AdaptiveLimit limit = new AdaptiveLimit(config, config.initialConcurrentCalls());
            this.limiter = limit;
            this.gate = new Gate(this, limit.limit(), false);
            this.announced = limit.limit();
        } else {
            this.announced = config.maxConcurrentCalls();
        }
    }

    private CallSlot[] newSlots(CallSlot[] old, int length) {
        CallSlot[] grown = Arrays.copyOf(old, length);
        for (int i = old.length; i < length; i++) {
            grown[i] = new CallSlot(this);
        }
        return grown;
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
        WaitQueue waiting = queue;
        if (waiting == null || waiting.isEmpty()) {
            CallSlot slot = claimPlace(Thread.currentThread());
            if (slot != null) {
                return occupy(slot, call, startNanos);
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
        WaitQueue waiting = queue;
        if (waiting == null || waiting.isEmpty()) {
            CallSlot slot = claimPlace(Thread.currentThread());
            if (slot != null) {
                return occupy(slot, call, clock.coarseNanoTime());
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
        WaitQueue waiting = queue;
        if (waiting == null || waiting.isEmpty()) {
            CallSlot slot = claimPlace(Thread.currentThread());
            if (slot != null) {
                request.granted(occupy(slot, call, clock.coarseNanoTime()));
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

    /** The queue of waiting callers, {@code null} while the bulkhead never had a max wait. */
    WaitQueue queue() {
        return queue;
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

    private CallSlot occupy(CallSlot slot, String call, long startNanos) {
        return occupy(slot, call, Thread.currentThread(), startNanos);
    }

    /** Records the call in its claimed slot and announces that it entered. */
    CallSlot occupy(CallSlot slot, String call, Thread thread, long startNanos) {
        if (slot.counted) {
            slot.sampleStart = limiter != null && (++slot.uses & (AdaptiveLimit.SAMPLE_EVERY - 1)) == 0
                    ? clock.nanoTime() : CallSlot.NOT_SAMPLED;
        }
        slot.occupy(call, thread, startNanos);
        if (events.isListening(EventType.BULKHEAD_ENTERED)) {
            events.publish(EventType.BULKHEAD_ENTERED, call);
        }
        return slot;
    }

    /**
     * Claims a place for a call: without a gate, a free slot is the permit; with one, the gate's count first,
     * then any free slot. {@code null} when the limit is reached.
     */
    CallSlot claimPlace(Thread thread) {
        Gate admission = gate;
        if (admission == null) {
            CallSlot slot = claimFreeSlot(thread);
            if (slot == null || gate == null) {
                return slot;
            }
            // The gate opened while this call was claiming: it is counted like any other from now on.
            if (gate.tryEnter()) {
                slot.counted = true;
                return slot;
            }
            slot.unclaim();
            return null;
        }
        if (!admission.tryEnter()) {
            return null;
        }
        CallSlot slot;
        while ((slot = claimFreeSlot(thread)) == null) {
            Thread.onSpinWait(); // a slot is free or about to be: the gate admits fewer calls than there are slots
        }
        slot.counted = true;
        return slot;
    }

    /**
     * Without waiting, the slots are the permits: a call is admitted by claiming a free one, and there is no
     * shared counter for threads to fight over. {@code null} when every slot is taken.
     */
    CallSlot claimFreeSlot(Thread thread) {
        CallSlot[] slots = this.slots;
        int n = slots.length;
        int i = firstSlot(thread, n);
        for (int tried = 0; tried < n; tried++) {
            CallSlot slot = slots[i];
            if (slot.tryClaim()) {
                return slot;
            }
            if (++i == n) {
                i = 0;
            }
        }
        return null;
    }

    /**
     * A counted call leaves (its holder read {@code occupied}): frees its slot, leaves the gate, feeds the
     * adaptive limit, and lets waiting callers in.
     */
    void leave(CallSlot slot, int occupied, Throwable failure) {
        Gate admission = gate;
        boolean timedOut = slot.timedOut(occupied);
        long sampleStart = slot.sampleStart;
        int inFlight = admission.inside();
        slot.free(occupied);
        admission.exit();
        AdaptiveLimit limit = limiter;
        if (limit != null) {
            int moved;
            if (timedOut || failure != null && isOverload(failure)) {
                moved = limit.overload(clock.nanoTime());
            } else if (failure == null && sampleStart != CallSlot.NOT_SAMPLED) {
                long now = clock.nanoTime();
                moved = limit.sample(now - sampleStart, inFlight, now);
            } else {
                moved = -1;
            }
            if (moved >= 0) {
                limitMoved(limit, moved);
            }
        }
        WaitQueue waiting = queue;
        if (waiting != null && !waiting.isEmpty()) {
            waiting.grantFree();
        }
    }

    /** The failure itself, unwrapped from our outcome marker, or one of its causes. */
    private boolean isOverload(Throwable failure) {
        if (Outcomes.isMarked(failure)) {
            return false; // the code said how to judge it: ignored, or even a success
        }
        BulkheadConfig current = config;
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 8; depth++) {
            if (current.isOverload(cause)) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }

    private void limitMoved(AdaptiveLimit limit, int moved) {
        int before;
        boolean announce;
        changes.lock();
        try {
            if (limiter != limit) {
                return; // reconfigured meanwhile: that limit is gone
            }
            before = announced;
            limitObserver.accept(moved);
            gate.limit(moved);
            announce = Math.abs(moved - before) * 10 > before;
            if (announce) {
                announced = moved;
            }
        } finally {
            changes.unlock();
        }
        if (announce) {
            events.publish(EventType.BULKHEAD_LIMIT_CHANGED, "limit " + before + " -> " + moved);
        }
        WaitQueue waiting = queue;
        if (waiting != null && !waiting.isEmpty()) {
            waiting.grantFree();
        }
    }

    /**
     * Spreads threads over the slots without a division: the thread's id, mixed (Fibonacci hashing) and
     * scaled into [0, n). Not {@code System.identityHashCode}: measured, it made every call a few ns slower in
     * some JVM runs and not in others (BENCHMARKS.md, scenario 4).
     */
    @SuppressWarnings("deprecation") // getId(): threadId() exists only from Java 19
    private static int firstSlot(Thread thread, int n) {
        int mixed = (int) thread.getId() * 0x9E3779B9;
        return (int) (((mixed & 0xFFFFFFFFL) * n) >>> 32);
    }

    /**
     * Published while the call still holds its permit, so that no call can enter in its place before
     * listeners hear that it left: the events never show more than {@code maxConcurrentCalls} inside.
     */
    void exited(String call) {
        if (events.isListening(EventType.BULKHEAD_EXITED)) {
            events.publish(EventType.BULKHEAD_EXITED, call);
        }
    }

    /** The calls inside the bulkhead now, longest-running first. */
    public List<InFlightCall> inFlightCalls() {
        long nowNanos = clock.nanoTime();
        long nowMillis = clock.currentTimeMillis();
        List<InFlightCall> calls = new ArrayList<>();
        CallSlot[] slots = this.slots;
        for (CallSlot slot : slots) {
            CallSlot.Occupant occupant = slot.read();
            if (occupant != null) {
                long elapsedNanos = Math.max(0, nowNanos - occupant.startNanos());
                calls.add(new InFlightCall(occupant.call(), occupant.thread(),
                        Instant.ofEpochMilli(nowMillis - elapsedNanos / 1_000_000), Duration.ofNanos(elapsedNanos),
                        occupant.timedOut()));
            }
        }
        calls.sort(Comparator.comparing(InFlightCall::duration).reversed());
        return calls;
    }

    /** Calls inside now, counting places being handed to a waiting caller. */
    public int activeCalls() {
        CallSlot[] slots = this.slots;
        int taken = 0;
        for (CallSlot slot : slots) {
            if (slot.isTaken()) {
                taken++;
            }
        }
        return taken;
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
        Gate admission = gate;
        return admission == null ? config.maxConcurrentCalls() : admission.limit();
    }

    /** Calls waiting for a permit now; always zero without a max wait. */
    public int waitingCalls() {
        return queue == null ? 0 : queue.waiting();
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
     * Uses {@code config} from the next call on. The calls inside stay inside, each counted once, and leave as
     * usual; a new limit applies to the next call: after a shrink nobody enters until the calls inside are below
     * it, after a growth waiting callers are let in at once. A new max wait applies to the next waits (callers
     * waiting keep their deadline). The type may change: fixed to adaptive starts at {@code
     * initialConcurrentCalls}; adaptive to adaptive keeps the limit found (within the new bounds); adaptive to
     * fixed takes {@code maxConcurrentCalls}.
     *
     * <p>A fixed bulkhead whose limit never changed admits by its slots alone (one CAS, no shared counter); its
     * first change of limit or type gives it a count of the calls inside, for good, as an adaptive one has.
     */
    @Override
    public void reconfigure(BulkheadConfig next) {
        Objects.requireNonNull(next, "config");
        changes.lock();
        try {
            BulkheadConfig old = config;
            long wait = Clock.saturatedNanos(next.maxWaitDuration());
            WaitQueue waiting = queue;
            if (waiting != null) {
                waiting.maxWaitNanos(wait);
            } else if (wait > 0) {
                queue = new WaitQueue(this, wait);
            }
            maxWaitNanos = wait;
            int target;
            if (next.isAdaptive()) {
                int start = old.isAdaptive() ? limit() : next.initialConcurrentCalls();
                AdaptiveLimit limit = new AdaptiveLimit(next, start);
                target = limit.limit();
                limiter = limit;
            } else {
                limiter = null;
                target = next.maxConcurrentCalls();
            }
            if (gate != null || target != slots.length || next.isAdaptive()) {
                limitObserver.accept(target);
                ensureSlots(next.maxConcurrentCalls());
                if (gate == null) {
                    openGate(target);
                } else {
                    gate.limit(target);
                }
            }
            config = next;
            announced = target;
        } finally {
            changes.unlock();
        }
        WaitQueue waiting = queue;
        if (waiting != null && !waiting.isEmpty()) {
            waiting.grantFree();
        }
    }

    private void ensureSlots(int length) {
        if (slots.length < length) {
            slots = newSlots(slots, length);
        }
    }

    /**
     * Gives a bulkhead whose slots were its permits a count of the calls inside: publishes the gate, then marks
     * the calls inside as its legacy. A call claiming a slot meanwhile either sees the gate after its claim
     * (and enters through it) or was claimed before the gate was published, and is seen here; if both, it is
     * counted twice until it leaves, which only admits fewer. Hand-overs to waiting callers happen under the
     * queue's lock, held here, so none is half done.
     */
    private void openGate(int limit) {
        WaitQueue waiting = queue;
        if (waiting != null) {
            waiting.lock();
        }
        try {
            Gate opened = new Gate(this, limit, true);
            gate = opened;
            VarHandle.fullFence();
            int legacy = 0;
            for (CallSlot slot : slots) {
                if (slot.markLegacy()) {
                    legacy++;
                }
            }
            opened.legacyCounted(legacy);
        } finally {
            if (waiting != null) {
                waiting.unlock();
            }
        }
    }

    /** The calls from before the gate still inside; see {@link Gate}. */
    int legacyInside() {
        int inside = 0;
        for (CallSlot slot : slots) {
            if (slot.holdsLegacy()) {
                inside++;
            }
        }
        return inside;
    }

    /** For tests: {@code observer} hears each new limit before it is in force (under the change lock). */
    void observeLimits(IntConsumer observer) {
        changes.lock();
        try {
            limitObserver = observer;
        } finally {
            changes.unlock();
        }
    }

    /** Whether the slots are the permits (no gate): a fixed bulkhead whose limit never changed. */
    boolean gateless() {
        return gate == null;
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
        changes.lock();
        try {
            BulkheadConfig current = config;
            if (current.isAdaptive()) {
                AdaptiveLimit limit = new AdaptiveLimit(current, current.initialConcurrentCalls());
                limiter = limit;
                limitObserver.accept(limit.limit());
                gate.limit(limit.limit());
                announced = limit.limit();
            }
        } finally {
            changes.unlock();
        }
    }

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", " + activeCalls() + "/" + limit() + "]";
    }
}
