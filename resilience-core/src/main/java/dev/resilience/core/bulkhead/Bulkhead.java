package dev.resilience.core.bulkhead;

import java.time.Duration;
import java.time.Instant;
import java.lang.invoke.MethodHandles;
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
 * overload; any other failure does not move the limit. When the limit moves by more than 10% from the last one announced, {@link
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
    /** The slots, the waiting callers and the adaptive limit: what every call reads, in one volatile read. */
    private volatile Layout layout;
    private volatile long maxWaitNanos;
    /** The limit in force; written under {@link #changes}. */
    private volatile int limit;
    /** Retirements owed: calls inside beyond the limit, whose slots retire as they leave. Nobody enters meanwhile. */
    @SuppressWarnings("unused") // through PENDING
    private volatile int pending;
    /** Rejections counted when the adaptive limit last closed a window: any since means the bulkhead was full. */
    private long rejectedAtWindow;
    /** The limit last announced by {@link EventType#BULKHEAD_LIMIT_CHANGED} (or set). */
    private int announced;
    /**
     * Serialises the changes of limit: taken by a reconfiguration and, once per window, by the call that closes
     * an adaptive window and moves the limit; a caller that finds retirements owed only tries it. Never per call.
     */
    private final ReentrantLock changes = new ReentrantLock();
    private final LongAdder rejected = new LongAdder();
    /** Told every limit before it is in force, under {@link #changes}: for tests that check the limit exactly. */
    private volatile IntConsumer limitObserver = limit -> { };

    private static final VarHandle PENDING;

    static {
        StageFactories.register(Bulkhead.class, new BulkheadStages());
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Bulkhead.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Bulkhead(String name, BulkheadConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        this.maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
        int max = config.maxConcurrentCalls();
        int start = max;
        AdaptiveLimit adaptive = null;
        if (config.isAdaptive()) {
            adaptive = new AdaptiveLimit(config, config.initialConcurrentCalls(), this);
            start = adaptive.limit();
        }
        CallSlot[] all = new CallSlot[max];
        for (int i = 0; i < max; i++) {
            all[i] = new CallSlot(this, i >= start);
        }
        this.layout = new Layout(all, start, maxWaitNanos > 0 ? new WaitQueue(this, maxWaitNanos) : null, adaptive);
        this.limit = start;
        this.announced = start;
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
        Layout current = layout;
        WaitQueue waiting = current.queue;
        if (waiting == null || waiting.isEmpty()) {
            Thread thread = Thread.currentThread();
            CallSlot slot = claimPlace(current, thread);
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
        Layout current = layout;
        WaitQueue waiting = current.queue;
        if (waiting == null || waiting.isEmpty()) {
            Thread thread = Thread.currentThread();
            CallSlot slot = claimPlace(current, thread);
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
        Layout current = layout;
        WaitQueue waiting = current.queue;
        if (waiting == null || waiting.isEmpty()) {
            Thread thread = Thread.currentThread();
            CallSlot slot = claimPlace(current, thread);
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

    /** What a call leaving reads: the waiting callers and the adaptive limit. */
    Layout layout() {
        return layout;
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
        return occupy(slot, call, thread, startNanos, layout.limiter);
    }

    /** Records the call in its claimed slot and announces that it entered. */
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

    /**
     * Claims a free slot for a call: the slot is the permit. {@code null} when the limit is reached, or while a
     * shrink still owes retirements (the calls inside are not yet below the new limit).
     */
    CallSlot claimPlace(Thread thread) {
        return claimPlace(layout, thread);
    }

    private CallSlot claimPlace(Layout current, Thread thread) {
        if (pending != 0 && !settleRetirements()) {
            return null;
        }
        return claimFreeSlot(current, thread);
    }

    /**
     * Without waiting, the slots are the permits: a call is admitted by claiming a free one, and there is no
     * shared counter for threads to fight over. {@code null} when every slot in use is taken.
     */
    private static CallSlot claimFreeSlot(Layout current, Thread thread) {
        CallSlot[] all = current.slots;
        int n = current.span;
        int i = firstSlot(thread, n);
        for (int tried = 0; tried < n; tried++) {
            CallSlot slot = all[i];
            if (slot.tryClaim()) {
                return slot;
            }
            if (++i == n) {
                i = 0;
            }
        }
        return null;
    }

    /** Whether a shrink owes retirements: read by every call that leaves. */
    boolean owesRetirement() {
        return pending != 0;
    }

    /** Takes one owed retirement for the slot of a call leaving; {@code false} if none is owed any more. */
    boolean takeRetirement() {
        for (;;) {
            int owed = pending;
            if (owed == 0) {
                return false;
            }
            if (PENDING.compareAndSet(this, owed, owed - 1)) {
                return true;
            }
        }
    }

    /**
     * Retires free slots while retirements are owed (a call that left as the shrink began freed its slot
     * instead), under the change lock, which an arriving caller does not wait for. {@code true} when nothing is
     * owed any more.
     */
    private boolean settleRetirements() {
        if (!changes.tryLock()) {
            return false;
        }
        try {
            retireFreeSlots();
            return pending == 0;
        } finally {
            changes.unlock();
        }
    }

    /** Under the change lock: retires free slots, highest first, while retirements are owed. */
    private void retireFreeSlots() {
        Layout current = layout;
        CallSlot[] all = current.slots;
        for (int i = current.span - 1; i >= 0 && pending != 0; i--) {
            if (all[i].retireIfFree() && !takeRetirement()) {
                all[i].unretire(); // the calls leaving paid them all meanwhile: this one was not owed
                return;
            }
        }
    }

    /**
     * Under the change lock: makes {@code target} the limit in force. A growth first cancels owed retirements,
     * then brings retired slots back, lowest first; a shrink retires free slots and owes the rest.
     */
    private void setLimit(int target) {
        limitObserver.accept(target);
        int old = limit;
        if (target > old) {
            int grow = target - old;
            for (;;) {
                int owed = pending;
                int cancelled = Math.min(owed, grow);
                if (cancelled == 0 || PENDING.compareAndSet(this, owed, owed - cancelled)) {
                    grow -= cancelled;
                    break;
                }
            }
            CallSlot[] all = layout.slots;
            while (grow > 0) {
                for (int i = 0; i < all.length && grow > 0; i++) {
                    if (all[i].isRetired()) {
                        if (i >= layout.span) {
                            layout = layout.withSpan(i + 1);
                        }
                        if (all[i].unretire()) {
                            grow--;
                        }
                    }
                }
                if (grow > 0) {
                    Thread.onSpinWait(); // a call leaving took a retirement and is about to retire its slot
                }
            }
            limit = target;
        } else if (target < old) {
            limit = target;
            PENDING.getAndAdd(this, old - target);
            retireFreeSlots();
        }
    }

    /**
     * An adaptive bulkhead's call leaves, still holding its slot ({@code occupied} is the stamp its holder read):
     * it counts as overload (timed out, or an overload failure), as a latency sample (measured, succeeded), or not
     * at all (any other failure, or not measured).
     */
    void measure(CallSlot slot, int occupied, Throwable failure, AdaptiveLimit adaptive) {
        long sampleStart = slot.sampleStart;
        slot.sampleStart = CallSlot.NOT_SAMPLED; // measured once: a call entering while the bulkhead was fixed is not
        int moved;
        if (slot.timedOut(occupied) || failure != null && isOverload(failure)) {
            moved = adaptive.overload(clock.nanoTime());
        } else if (failure == null && sampleStart != CallSlot.NOT_SAMPLED) {
            long now = clock.nanoTime();
            moved = adaptive.sample(now - sampleStart, now);
        } else {
            moved = -1;
        }
        if (moved >= 0) {
            limitMoved(adaptive, moved);
        }
    }

    /**
     * For the adaptive limit, as a window closes: whether the bulkhead was busy enough for its latency to say
     * something about more room (a rejection since the last window, or at least half the limit inside now). Reads
     * the slots in use: once per window, not per call.
     */
    boolean busy(int limit) {
        long rejectedNow = rejected.sum();
        boolean rejectedSince = rejectedNow != rejectedAtWindow;
        rejectedAtWindow = rejectedNow;
        if (rejectedSince) {
            return true;
        }
        Layout current = layout;
        CallSlot[] all = current.slots;
        int inside = 0;
        for (int i = 0, n = current.span; i < n; i++) {
            if (all[i].isTaken()) {
                inside++;
            }
        }
        return inside * 2 >= limit;
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
            if (layout.limiter != limit) {
                return; // reconfigured meanwhile: that limit is gone
            }
            before = announced;
            setLimit(moved);
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
        WaitQueue waiting = layout.queue;
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
        CallSlot[] slots = layout.slots;
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
        CallSlot[] slots = layout.slots;
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
        return limit;
    }

    /** Calls waiting for a permit now; always zero without a max wait. */
    public int waitingCalls() {
        WaitQueue waiting = layout.queue;
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
     * it (each call leaving retires its slot until they are), after a growth waiting callers are let in at once. A new max wait applies to the next waits (callers
     * waiting keep their deadline). The type may change: fixed to adaptive starts at {@code
     * initialConcurrentCalls}; adaptive to adaptive keeps the limit found (within the new bounds); adaptive to
     * fixed takes {@code maxConcurrentCalls}.
     *
     * <p>Slots are added when {@code maxConcurrentCalls} grows past their number (retired, then brought into use
     * as the limit needs), never removed.
     */
    @Override
    public void reconfigure(BulkheadConfig next) {
        Objects.requireNonNull(next, "config");
        changes.lock();
        try {
            BulkheadConfig old = config;
            long wait = Clock.saturatedNanos(next.maxWaitDuration());
            WaitQueue waiting = layout.queue;
            if (waiting != null) {
                waiting.maxWaitNanos(wait);
            } else if (wait > 0) {
                layout = layout.withQueue(new WaitQueue(this, wait));
            }
            maxWaitNanos = wait;
            int target;
            AdaptiveLimit adaptive = null;
            if (next.isAdaptive()) {
                int start = old.isAdaptive() ? limit : next.initialConcurrentCalls();
                adaptive = new AdaptiveLimit(next, start, this);
                target = adaptive.limit();
            } else {
                target = next.maxConcurrentCalls();
            }
            if (adaptive != null && layout.limiter == null) {
                for (CallSlot slot : layout.slots) {
                    slot.sampleStart = CallSlot.NOT_SAMPLED; // what a call measured before is no sample now
                }
            }
            layout = layout.withLimiter(adaptive);
            ensureSlots(next.maxConcurrentCalls());
            if (target != limit) {
                setLimit(target);
            }
            config = next;
            announced = target;
        } finally {
            changes.unlock();
        }
        WaitQueue waiting = layout.queue;
        if (waiting != null && !waiting.isEmpty()) {
            waiting.grantFree();
        }
        events.publish(EventType.BULKHEAD_CONFIG_CHANGED, next.toString());
    }

    /** Under the change lock: at least {@code length} slots, the new ones retired. */
    private void ensureSlots(int length) {
        CallSlot[] all = layout.slots;
        if (all.length < length) {
            CallSlot[] grown = Arrays.copyOf(all, length);
            for (int i = all.length; i < length; i++) {
                grown[i] = new CallSlot(this, true);
            }
            layout = layout.withSlots(grown);
        }
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
                AdaptiveLimit adaptive = new AdaptiveLimit(current, current.initialConcurrentCalls(), this);
                layout = layout.withLimiter(adaptive);
                setLimit(adaptive.limit());
                announced = adaptive.limit();
            }
        } finally {
            changes.unlock();
        }
    }

    /**
     * What the calls read, replaced whole under the change lock when any of it changes: one volatile read on
     * entering and one on leaving, the fields behind it final.
     */
    static final class Layout {
        /** As many as the highest limit allowed so far; grows (copied) when a reconfiguration raises that. */
        final CallSlot[] slots;
        /** Claims look at slots below this index only: every slot from it on is retired. */
        final int span;
        /** The callers waiting for a slot; {@code null} until a config with a max wait, when nobody ever waits. */
        final WaitQueue queue;
        /** {@code null} unless adaptive. */
        final AdaptiveLimit limiter;

        Layout(CallSlot[] slots, int span, WaitQueue queue, AdaptiveLimit limiter) {
            this.slots = slots;
            this.span = span;
            this.queue = queue;
            this.limiter = limiter;
        }

        Layout withSlots(CallSlot[] grown) {
            return new Layout(grown, span, queue, limiter);
        }

        Layout withSpan(int wider) {
            return new Layout(slots, wider, queue, limiter);
        }

        Layout withQueue(WaitQueue created) {
            return new Layout(slots, span, created, limiter);
        }

        Layout withLimiter(AdaptiveLimit adaptive) {
            return new Layout(slots, span, queue, adaptive);
        }
    }

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", " + activeCalls() + "/" + limit() + "]";
    }
}
