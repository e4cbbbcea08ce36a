package dev.resilience.core.bulkhead;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeoutException;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;

import dev.resilience.test.ManualClock;

/**
 * A discrete-event simulation, on the manual clock and a seeded random source (so deterministic), of callers
 * in a closed loop in front of a downstream with capacity C: a call's latency is the unloaded latency (±10%
 * jitter) while at most C calls are in flight, and rises exponentially past C ({@code unloaded × e^(5 × (inFlight
 * / C − 1))}), so 1.14 C doubles it and 2 C takes 148 times as long; a call that would take more than the timeout
 * ends at the timeout, as a timeout. The latency is drawn when the call is admitted, from the calls in flight then. A caller that is admitted calls again as soon
 * as its call ends; one that is rejected tries again after {@link #REJECTED_RETRY_NANOS}.
 */
final class DownstreamSimulation {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;
    static final long REJECTED_RETRY_NANOS = 10 * MS;
    static final long SAMPLE_EVERY = 100 * MS;

    final int capacity;
    final long unloadedNanos;
    final long timeoutNanos;
    final int callers;
    final long durationNanos;

    DownstreamSimulation(int capacity, long unloadedNanos, long timeoutNanos, int callers, long durationNanos) {
        this.capacity = capacity;
        this.unloadedNanos = unloadedNanos;
        this.timeoutNanos = timeoutNanos;
        this.callers = callers;
        this.durationNanos = durationNanos;
    }

    /** How calls are admitted: the limiter under test. */
    interface Admission {
        /** {@code null} when rejected. */
        Ticket tryEnter();

        int limit();
    }

    interface Ticket {
        void succeeded();

        void timedOut();
    }

    /** Our bulkhead, fixed or adaptive. */
    static Admission bulkhead(Bulkhead bulkhead) {
        return new Admission() {
            @Override
            public Ticket tryEnter() {
                Bulkhead.Permit permit = bulkhead.tryAcquire("Downstream.call");
                if (permit == null) {
                    return null;
                }
                return new Ticket() {
                    @Override
                    public void succeeded() {
                        permit.release();
                    }

                    @Override
                    public void timedOut() {
                        permit.release(new TimeoutException("simulated timeout"));
                    }
                };
            }

            @Override
            public int limit() {
                return bulkhead.limit();
            }
        };
    }

    /** Netflix's Gradient2, default settings, behind its SimpleLimiter, reading the same manual clock. */
    static Admission gradient2(ManualClock clock) {
        Gradient2Limit limit = Gradient2Limit.newDefault();
        SimpleLimiter<Void> limiter = SimpleLimiter.newBuilder().limit(limit).nanoClock(clock::nanoTime).build();
        return new Admission() {
            @Override
            public Ticket tryEnter() {
                Optional<Limiter.Listener> listener = limiter.acquire(null);
                if (listener.isEmpty()) {
                    return null;
                }
                Limiter.Listener acquired = listener.get();
                return new Ticket() {
                    @Override
                    public void succeeded() {
                        acquired.onSuccess();
                    }

                    @Override
                    public void timedOut() {
                        acquired.onDropped();
                    }
                };
            }

            @Override
            public int limit() {
                return limit.getLimit();
            }
        };
    }

    /** What one run measured. */
    static final class Result {
        final String name;
        /** Limit every {@link #SAMPLE_EVERY}, from time zero. */
        final List<Integer> limits = new ArrayList<>();
        /** p99 latency (ms) of the calls that ended in each second. */
        final List<Double> p99PerSecond = new ArrayList<>();
        long admitted;
        long rejected;
        long timedOut;
        double p99Millis;
        double p99AfterConvergenceMillis;

        Result(String name) {
            this.name = name;
        }

        /** Seconds until the limit entered the band [low, high] for good; infinite if it never did. */
        double convergenceSeconds(double low, double high) {
            int last = -1;
            for (int i = 0; i < limits.size(); i++) {
                if (limits.get(i) < low || limits.get(i) > high) {
                    last = i;
                }
            }
            return last == limits.size() - 1 ? Double.POSITIVE_INFINITY
                    : (last + 1) * (double) SAMPLE_EVERY / SECOND;
        }

        /** The largest distance from {@code target}, in fractions of it, once the limit is in the band for good. */
        double worstDeviationAfter(double seconds, int target) {
            int from = (int) Math.ceil(seconds * SECOND / SAMPLE_EVERY);
            double worst = 0;
            for (int i = from; i < limits.size(); i++) {
                worst = Math.max(worst, Math.abs(limits.get(i) - target) / (double) target);
            }
            return worst;
        }

        /** The mean limit over the last {@code seconds}. */
        double meanLimitOverLast(double seconds) {
            int n = (int) (seconds * SECOND / SAMPLE_EVERY);
            return limits.subList(limits.size() - n, limits.size()).stream().mapToInt(Integer::intValue).average()
                    .orElse(0);
        }
    }

    private static final int CALL = 0;
    private static final int END = 1;
    private static final int SAMPLE = 2;

    private record Event(long time, long seq, int kind, int caller, Ticket ticket, long start, boolean timeout)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    /** Runs {@code admission} (reading {@code clock}) through the simulation. */
    Result run(String name, ManualClock clock, Admission admission, long seed) {
        Random random = new Random(seed);
        PriorityQueue<Event> events = new PriorityQueue<>();
        long origin = clock.nanoTime();
        long[] seq = {0};
        for (int c = 0; c < callers; c++) {
            // callers arrive spread over the first 10 ms
            events.add(new Event(origin + (c * 10 * MS) / callers, seq[0]++, CALL, c, null, 0, false));
        }
        events.add(new Event(origin, seq[0]++, SAMPLE, -1, null, 0, false));
        Result result = new Result(name);
        List<long[]> perSecond = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        int seconds = (int) (durationNanos / SECOND);
        for (int s = 0; s < seconds; s++) {
            perSecond.add(new long[0]);
        }
        List<List<Long>> buckets = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            buckets.add(new ArrayList<>());
        }
        int inFlight = 0;
        long end = origin + durationNanos;
        while (!events.isEmpty()) {
            Event event = events.poll();
            if (event.time >= end) {
                break;
            }
            clock.advance(event.time - clock.nanoTime());
            switch (event.kind) {
                case SAMPLE -> {
                    result.limits.add(admission.limit());
                    events.add(new Event(event.time + SAMPLE_EVERY, seq[0]++, SAMPLE, -1, null, 0, false));
                }
                case CALL -> {
                    Ticket ticket = admission.tryEnter();
                    if (ticket == null) {
                        result.rejected++;
                        events.add(new Event(event.time + REJECTED_RETRY_NANOS, seq[0]++, CALL, event.caller, null, 0,
                                false));
                    } else {
                        result.admitted++;
                        inFlight++;
                        long latency = latency(inFlight, random);
                        boolean timeout = latency > timeoutNanos;
                        long took = timeout ? timeoutNanos : latency;
                        events.add(new Event(event.time + took, seq[0]++, END, event.caller, ticket, event.time,
                                timeout));
                    }
                }
                default -> {
                    inFlight--;
                    long took = event.time - event.start;
                    if (event.timeout) {
                        result.timedOut++;
                        event.ticket.timedOut();
                    } else {
                        event.ticket.succeeded();
                    }
                    int second = (int) ((event.time - origin) / SECOND);
                    buckets.get(second).add(took);
                    all.add(took);
                    events.add(new Event(event.time, seq[0]++, CALL, event.caller, null, 0, false));
                }
            }
        }
        for (List<Long> bucket : buckets) {
            result.p99PerSecond.add(p99Millis(bucket));
        }
        result.p99Millis = p99Millis(all);
        return result;
    }

    /** The unloaded latency with ±10% jitter, times e^(5 × the overload past capacity). */
    long latency(int inFlight, Random random) {
        double jitter = 0.9 + 0.2 * random.nextDouble();
        double overload = inFlight <= capacity ? 1 : Math.exp(5 * ((double) inFlight / capacity - 1));
        return (long) (unloadedNanos * jitter * overload);
    }

    static double p99Millis(List<Long> latencies) {
        if (latencies.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / (double) MS;
    }

    /** p99 (ms) of the calls that ended from {@code fromSecond} on: the worst of the per-second p99s. */
    static double worstP99From(Result result, double fromSecond) {
        double worst = 0;
        for (int s = (int) Math.ceil(fromSecond); s < result.p99PerSecond.size(); s++) {
            worst = Math.max(worst, result.p99PerSecond.get(s));
        }
        return worst;
    }
}
