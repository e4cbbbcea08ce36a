package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.core.CheckedSupplier;
import dev.resilience.test.ManualClock;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;

class BulkheadTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(T0);

    @AfterEach
    void noInterruptLeftOnTheTestThread() {
        assertThat(Thread.interrupted()).as("interrupt left on the test thread").isFalse();
    }

    private Bulkhead bulkhead(int maxConcurrentCalls, Duration maxWait) {
        return Bulkhead.of("inventory",
                BulkheadConfig.builder().maxConcurrentCalls(maxConcurrentCalls).maxWaitDuration(maxWait).build(),
                clock);
    }

    @Test
    void admitsUpToTheLimitThenRejectsAtOnceNamingTheBulkhead() throws Exception {
        Bulkhead bulkhead = bulkhead(2, Duration.ZERO);
        bulkhead.acquire("Inventory.fetch");
        bulkhead.acquire("Inventory.fetch");

        assertThatThrownBy(() -> bulkhead.acquire("Inventory.fetch"))
                .isInstanceOfSatisfying(BulkheadFullException.class, full -> {
                    assertThat(full.bulkheadName()).isEqualTo("inventory");
                    assertThat(full.maxConcurrentCalls()).isEqualTo(2);
                    assertThat(full.getStackTrace()).as("no stack trace by default").isEmpty();
                })
                .hasMessage("bulkhead 'inventory' is full: all 2 concurrent calls are in use")
                .hasNoCause();

        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        assertThat(bulkhead.activeCalls()).isEqualTo(2);
        assertThat(bulkhead.availablePermits()).isZero();
    }

    @Test
    void releasingAPermitLetsTheNextCallIn() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        Bulkhead.Permit first = bulkhead.acquire("Inventory.fetch");

        first.release();
        Bulkhead.Permit second = bulkhead.acquire("Inventory.fetch");

        assertThat(second).isNotNull();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
        assertThat(bulkhead.rejectedCalls()).isZero();
    }

    @Test
    void fillsInTheStackTraceWhenConfiguredTo() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("inventory",
                BulkheadConfig.builder().maxConcurrentCalls(1).writableStackTrace(true).build(), clock);
        bulkhead.acquire("Inventory.fetch");

        assertThatThrownBy(() -> bulkhead.acquire("Inventory.fetch"))
                .isInstanceOfSatisfying(BulkheadFullException.class,
                        full -> assertThat(full.getStackTrace()).isNotEmpty());
    }

    @Test
    void tryAcquireReturnsNullWhenFullAndCountsTheRejection() {
        Bulkhead bulkhead = bulkhead(1, Duration.ofSeconds(30));
        Bulkhead.Permit held = bulkhead.tryAcquire("Inventory.fetch");

        Bulkhead.Permit refused = bulkhead.tryAcquire("Inventory.fetch");

        assertThat(held).isNotNull();
        assertThat(refused).as("never waits, even with a max wait configured").isNull();
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
    }

    @Test
    void waitingCallIsAdmittedWhenAPermitIsReleasedDuringTheWait() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ofSeconds(30));
        Bulkhead.Permit held = bulkhead.acquire("Inventory.fetch");
        CompletableFuture<Bulkhead.Permit> admitted = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                admitted.complete(bulkhead.acquire("Inventory.reserve"));
            } catch (Throwable t) {
                admitted.completeExceptionally(t);
            }
        }, "waiter");
        waiter.start();
        Waiting.until(bulkhead, clock, 1);
        clock.advance(Duration.ofMillis(400));

        held.release();

        Bulkhead.Permit permit = admitted.get(5, TimeUnit.SECONDS);
        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).as("the deadline is cancelled").isZero();
        assertThat(bulkhead.inFlightCalls()).as("entered when granted").containsExactly(
                new InFlightCall("Inventory.reserve", "waiter", T0.plusMillis(400), Duration.ZERO, false));
        permit.release();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void waitThatExpiresIsRejectedAtTheDeadlineOnTheBulkheadsClockNamingTheWait() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ofMillis(50));
        List<ResilienceEvent> rejections = new CopyOnWriteArrayList<>();
        bulkhead.events().subscribe(EnumSet.of(EventType.BULKHEAD_REJECTED), rejections::add);
        bulkhead.acquire("Inventory.fetch");
        CompletableFuture<Bulkhead.Permit> admitted = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                admitted.complete(bulkhead.acquire("Inventory.reserve"));
            } catch (Throwable t) {
                admitted.completeExceptionally(t);
            }
        }, "waiter");
        waiter.start();
        Waiting.until(bulkhead, clock, 1);

        clock.advance(Duration.ofMillis(50).minusNanos(1));
        assertThat(bulkhead.waitingCalls()).as("still waiting a nanosecond before the deadline").isEqualTo(1);
        assertThat(admitted).isNotDone();

        clock.advance(1);
        assertThatThrownBy(() -> admitted.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(BulkheadFullException.class)
                .hasMessage("bulkhead 'inventory' is full: all 1 concurrent calls are in use (waited 50ms)");
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        assertThat(rejections).extracting(ResilienceEvent::detail).containsExactly("Inventory.reserve");
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
    }

    @Test
    void interruptWhileWaitingEndsTheWaitWithoutTakingAPermitOrCountingARejection() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ofSeconds(30));
        bulkhead.acquire("Inventory.fetch");

        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> bulkhead.acquire("Inventory.fetch")).isInstanceOf(InterruptedException.class)
                .hasMessage("interrupted while waiting for a place in bulkhead 'inventory'");

        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).as("the deadline is cancelled").isZero();
    }

    @Test
    void liveViewListsEachCallInsideWithThreadStartAndDuration() throws Exception {
        Bulkhead bulkhead = bulkhead(3, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).description("Backend.fetch")
                .build();
        CountDownLatch releaseA = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);

        Caller a = Caller.start("worker-a", pipeline, releaseA);
        a.awaitInside();
        clock.advance(Duration.ofMillis(1200));

        assertThat(bulkhead.inFlightCalls()).containsExactly(
                new InFlightCall("Backend.fetch", "worker-a", T0, Duration.ofMillis(1200), false));

        Caller b = Caller.start("worker-b", pipeline, releaseB);
        b.awaitInside();
        clock.advance(Duration.ofMillis(300));

        assertThat(bulkhead.inFlightCalls()).as("longest-running first").containsExactly(
                new InFlightCall("Backend.fetch", "worker-a", T0, Duration.ofMillis(1500), false),
                new InFlightCall("Backend.fetch", "worker-b", T0.plusMillis(1200), Duration.ofMillis(300), false));
        assertThat(bulkhead.activeCalls()).isEqualTo(2);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);

        releaseA.countDown();
        assertThat(a.result()).isEqualTo("done by worker-a");
        assertThat(bulkhead.inFlightCalls()).extracting(InFlightCall::thread).containsExactly("worker-b");

        releaseB.countDown();
        assertThat(b.result()).isEqualTo("done by worker-b");
        assertThat(bulkhead.inFlightCalls()).isEmpty();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(3);
    }

    @Test
    void aReusedPlaceShowsItsNewCallThreadAndStartAndNothingOnceFreed() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        ResiliencePipeline first = ResiliencePipeline.builder().bulkhead(bulkhead).description("Backend.fetch")
                .build();
        ResiliencePipeline second = ResiliencePipeline.builder().bulkhead(bulkhead).description("Backend.store")
                .build();

        CountDownLatch releaseA = new CountDownLatch(1);
        Caller a = Caller.start("worker-a", first, releaseA);
        a.awaitInside();
        releaseA.countDown();
        assertThat(a.result()).isEqualTo("done by worker-a");
        assertThat(bulkhead.inFlightCalls()).as("a freed place keeps nothing visible").isEmpty();

        clock.advance(Duration.ofMillis(700));
        CountDownLatch releaseB = new CountDownLatch(1);
        Caller b = Caller.start("worker-b", second, releaseB);
        b.awaitInside();
        clock.advance(Duration.ofMillis(50));
        assertThat(bulkhead.inFlightCalls()).containsExactly(
                new InFlightCall("Backend.store", "worker-b", T0.plusMillis(700), Duration.ofMillis(50), false));
        releaseB.countDown();
        assertThat(b.result()).isEqualTo("done by worker-b");

        // The same thread and call again: only the start changes.
        clock.advance(Duration.ofMillis(100));
        Bulkhead.Permit permit = bulkhead.acquire("Backend.store");
        clock.advance(Duration.ofMillis(20));
        assertThat(bulkhead.inFlightCalls()).containsExactly(new InFlightCall("Backend.store",
                Thread.currentThread().getName(), T0.plusMillis(850), Duration.ofMillis(20), false));
        permit.release();
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void aCallMarkedTimedOutShowsSoInTheLiveViewAndTheNextCallInItsPlaceDoesNot() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        CallSlot permit = (CallSlot) bulkhead.acquire("Slow.call");

        assertThat(permit.markTimedOut()).isTrue();

        assertThat(bulkhead.inFlightCalls()).containsExactly(
                new InFlightCall("Slow.call", Thread.currentThread().getName(), T0, Duration.ZERO, true));
        permit.release();
        assertThat(permit.markTimedOut()).as("no call inside to mark").isFalse();
        clock.advance(Duration.ofMillis(10));
        Bulkhead.Permit next = bulkhead.acquire("Slow.call");
        assertThat(next).as("the same place").isSameAs(permit);
        assertThat(bulkhead.inFlightCalls()).containsExactly(new InFlightCall("Slow.call",
                Thread.currentThread().getName(), T0.plusMillis(10), Duration.ZERO, false));
        next.release();
    }

    @Test
    void publishesEnteredRejectedAndExitedNamingTheCall() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
        bulkhead.events().onEvent(events::add);

        Bulkhead.Permit permit = bulkhead.acquire("Inventory.fetch");
        clock.advance(Duration.ofMillis(5));
        assertThatThrownBy(() -> bulkhead.acquire("Inventory.reserve")).isInstanceOf(BulkheadFullException.class);
        clock.advance(Duration.ofMillis(5));
        permit.release();

        assertThat(events).extracting(ResilienceEvent::type).containsExactly(EventType.BULKHEAD_ENTERED,
                EventType.BULKHEAD_REJECTED, EventType.BULKHEAD_EXITED);
        assertThat(events).extracting(ResilienceEvent::detail).containsExactly("Inventory.fetch",
                "Inventory.reserve", "Inventory.fetch");
        assertThat(events).extracting(ResilienceEvent::time).containsExactly(T0, T0.plusMillis(5),
                T0.plusMillis(10));
        assertThat(events).allSatisfy(event -> {
            assertThat(event.name()).isEqualTo("inventory");
            assertThat(event.policy()).isEqualTo(PolicyKind.BULKHEAD);
        });
    }

    @Test
    void announcesTheExitWhileTheCallStillHoldsItsPlace() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        AtomicInteger permitsFreeWhenAnnounced = new AtomicInteger(-1);
        List<InFlightCall> viewWhenAnnounced = new CopyOnWriteArrayList<>();
        bulkhead.events().subscribe(EnumSet.of(EventType.BULKHEAD_EXITED), event -> {
            permitsFreeWhenAnnounced.set(bulkhead.availablePermits());
            viewWhenAnnounced.addAll(bulkhead.inFlightCalls());
        });

        bulkhead.acquire("Inventory.fetch").release();

        assertThat(permitsFreeWhenAnnounced).as("no call can take the place before listeners hear it is free")
                .hasValue(0);
        assertThat(viewWhenAnnounced).extracting(InFlightCall::call).containsExactly("Inventory.fetch");
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void pipelineRunsTheCallInsideAndReleasesAfterwards() throws Exception {
        Bulkhead bulkhead = bulkhead(2, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).description("Backend.fetch")
                .build();

        String value = pipeline.call(() -> {
            assertThat(bulkhead.inFlightCalls()).extracting(InFlightCall::call).containsExactly("Backend.fetch");
            return "stock: 7";
        });

        assertThat(value).isEqualTo("stock: 7");
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void pipelineReleasesThePermitWhenTheCallThrows() {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).description("Backend.fetch")
                .build();
        IOException failure = new IOException("connection reset");

        assertThatThrownBy(() -> pipeline.call(() -> {
            throw failure;
        })).isSameAs(failure);

        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void pipelineRejectsWithBulkheadFullExceptionWhenFull() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).description("Backend.fetch")
                .build();
        bulkhead.acquire("Other.call");

        assertThatThrownBy(() -> pipeline.call(() -> "never runs"))
                .isInstanceOf(BulkheadFullException.class)
                .hasMessage("bulkhead 'inventory' is full: all 1 concurrent calls are in use");
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
    }

    @Test
    void releasingThePermitTwiceDoesNotRaiseTheLimit() throws Exception {
        Bulkhead bulkhead = bulkhead(2, Duration.ZERO);
        Bulkhead.Permit permit = bulkhead.acquire("Inventory.fetch");

        permit.release();
        permit.release();

        assertThat(bulkhead.availablePermits()).isEqualTo(2);
        assertThat(bulkhead.activeCalls()).isZero();
        bulkhead.acquire("Inventory.fetch");
        bulkhead.acquire("Inventory.fetch");
        assertThatThrownBy(() -> bulkhead.acquire("Inventory.fetch")).isInstanceOf(BulkheadFullException.class);
    }

    @Test
    void aMaxWaitTooLongForALongOfNanosecondsIsAccepted() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ofDays(365L * 1000));

        assertThat(bulkhead.acquire("Inventory.fetch")).isNotNull();
    }

    @Test
    void toStringShowsNameAndOccupancy() throws Exception {
        Bulkhead bulkhead = bulkhead(2, Duration.ZERO);
        bulkhead.acquire("Inventory.fetch");

        assertThat(bulkhead).hasToString("Bulkhead[inventory, 1/2]");
    }

    /** A call through the pipeline on its own thread, held inside until its latch is released. */
    private static final class Caller {
        private final CountDownLatch inside = new CountDownLatch(1);
        private final CompletableFuture<String> result = new CompletableFuture<>();

        static Caller start(String threadName, ResiliencePipeline pipeline, CountDownLatch release) {
            Caller caller = new Caller();
            CheckedSupplier<String> call = () -> {
                caller.inside.countDown();
                release.await();
                return "done by " + Thread.currentThread().getName();
            };
            new Thread(() -> {
                try {
                    caller.result.complete(pipeline.execute(call));
                } catch (Throwable t) {
                    caller.result.completeExceptionally(t);
                }
            }, threadName).start();
            return caller;
        }

        void awaitInside() throws InterruptedException {
            assertThat(inside.await(5, TimeUnit.SECONDS)).as("call entered the bulkhead").isTrue();
        }

        String result() throws Exception {
            return result.get(5, TimeUnit.SECONDS);
        }
    }
}
