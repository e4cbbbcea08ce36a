package dev.resilience.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The system clock's timer. A real timer is the subject here, so these tests wait on real time, with
 * generous bounds; each uses its own timer (and thread), never the shared one.
 */
class TimerThreadTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private static final AtomicInteger TIMERS = new AtomicInteger();

    private final String threadName = "timer-under-test-" + TIMERS.incrementAndGet();
    private final TimerThread timer = new TimerThread(threadName);

    @Test
    void aTaskEarlierThanTheOneTheThreadSleepsTowardsWakesItAndALaterOneRunsAfter() throws Exception {
        CountDownLatch early = new CountDownLatch(1);
        CountDownLatch later = new CountDownLatch(1);
        timer.schedule(() -> { }, TimeUnit.SECONDS.toNanos(30)); // the thread sleeps towards this one
        Thread.sleep(50); // let it start waiting (a signal it missed would not matter: it re-reads the heap)

        long start = System.nanoTime();
        timer.schedule(early::countDown, TimeUnit.MILLISECONDS.toNanos(20));
        Cancellable cancelled = timer.schedule(() -> { }, TimeUnit.MILLISECONDS.toNanos(40));
        cancelled.cancel();
        timer.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(60)); // later than the early one: no signal

        assertThat(early.await(5, TimeUnit.SECONDS)).as("woken for the earlier task").isTrue();
        assertThat(later.await(5, TimeUnit.SECONDS)).as("the later one still runs on its own time").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void runsEachTaskOnceInDeadlineOrderAmongRandomCancellations() throws Exception {
        Random random = new Random(42);
        int tasks = 400;
        List<TimerThread.Task> scheduled = new ArrayList<>();
        List<TimerThread.Task> ran = new CopyOnWriteArrayList<>();
        CountDownLatch blockTimer = new CountDownLatch(1);
        // Hold the timer thread, so that every task below is due by the time it looks at the queue again.
        CountDownLatch timerBlocked = new CountDownLatch(1);
        timer.schedule(() -> {
            timerBlocked.countDown();
            await(blockTimer);
        }, 0);
        assertThat(timerBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch allRan = new CountDownLatch(tasks / 2);
        for (int i = 0; i < tasks; i++) {
            TimerThread.Task[] self = new TimerThread.Task[1];
            self[0] = (TimerThread.Task) timer.schedule(() -> {
                ran.add(self[0]);
                allRan.countDown();
            }, random.nextInt(50) * MS);
            scheduled.add(self[0]);
        }
        List<TimerThread.Task> shuffled = new ArrayList<>(scheduled);
        Collections.shuffle(shuffled, random);
        List<TimerThread.Task> kept = new ArrayList<>(shuffled.subList(0, tasks / 2));
        for (TimerThread.Task cancelled : shuffled.subList(tasks / 2, tasks)) {
            assertThat(cancelled.cancel()).as("a queued task cancels").isTrue();
            assertThat(cancelled.cancel()).as("but only once").isFalse();
        }
        assertThat(timer.pending()).isEqualTo(tasks / 2);

        Thread.sleep(60); // every remaining deadline (< 50 ms) has passed: the order is the heap's alone
        blockTimer.countDown();

        assertThat(allRan.await(10, TimeUnit.SECONDS)).as("the kept tasks ran").isTrue();
        assertThat(ran).containsExactlyInAnyOrderElementsOf(kept);
        assertThat(ran).extracting(task -> task.deadline).as("deadline order").isSorted();
        assertThat(timer.pending()).isZero();
        for (TimerThread.Task done : kept) {
            assertThat(done.cancel()).as("a task that ran cannot be cancelled").isFalse();
        }
    }

    @Test
    void underContentionEachTaskEitherRunsOnceOrIsCancelledNeverBoth() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        AtomicInteger[] runs = new AtomicInteger[threads * perThread];
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger cancelledTwice = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            Thread worker = new Thread(() -> {
                await(start);
                Random random = new Random(first);
                for (int i = first; i < first + perThread; i++) {
                    AtomicInteger ranCount = runs[i] = new AtomicInteger();
                    Cancellable task = timer.schedule(ranCount::incrementAndGet, random.nextInt(2_000_000));
                    // Cancel about half: some still queued (true), some already run or running (false).
                    if (random.nextBoolean() && task.cancel()) {
                        cancelled.incrementAndGet();
                        if (task.cancel()) {
                            cancelledTwice.incrementAndGet();
                        }
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(worker.isAlive()).as("worker finished").isFalse();
        }
        // Due after every task above (each was at most 2 ms away when scheduled); one thread runs tasks in
        // deadline order, so once this one has run, every other has finished.
        CountDownLatch lastRan = new CountDownLatch(1);
        timer.schedule(lastRan::countDown, 3_000_000);
        assertThat(lastRan.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(timer.pending()).isZero();

        int ranOnce = 0;
        for (AtomicInteger ranCount : runs) {
            assertThat(ranCount.get()).as("runs of one task").isBetween(0, 1);
            ranOnce += ranCount.get();
        }
        assertThat(ranOnce + cancelled.get()).isEqualTo(threads * perThread);
        assertThat(cancelledTwice).hasValue(0);
        assertThat(cancelled.get()).as("some were cancelled in time").isPositive();
    }

    @Test
    void cancelledTasksLeaveTheQueueAtOnce() {
        List<Cancellable> timeouts = new ArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100_000; i++) {
            timeouts.add(timer.schedule(ran::incrementAndGet, HOUR + i));
        }
        assertThat(timer.pending()).isEqualTo(100_000);
        for (Cancellable timeout : timeouts) {
            timeout.cancel();
        }
        assertThat(timer.pending()).isZero();
        assertThat(ran).hasValue(0);
    }

    @Test
    void aNewEarliestTaskWakesTheTimerFromALongerWait() throws Exception {
        timer.schedule(() -> { }, HOUR);
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        timer.schedule(ran::countDown, 50 * MS);

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void anActionThatThrowsDoesNotStopTheTimer() throws Exception {
        timer.schedule(() -> {
            throw new IllegalStateException("expected by TimerThreadTest: the timer must survive this");
        }, 0);
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(ran::countDown, 10 * MS);

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void delaysTooLongForTheClockAreAcceptedAndOrderedLast() throws Exception {
        TimerThread.Task never = (TimerThread.Task) timer.schedule(() -> { }, Long.MAX_VALUE);
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(ran::countDown, 10 * MS);

        assertThat(ran.await(10, TimeUnit.SECONDS)).as("the long delay does not hide the short one").isTrue();
        assertThat(timer.pending()).isEqualTo(1);
        assertThat(never.cancel()).isTrue();
    }

    @Test
    void theThreadIsADaemonStartedWithTheFirstTask() throws Exception {
        assertThat(threadNamed(threadName)).isNull();
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger daemon = new AtomicInteger();
        timer.schedule(() -> {
            daemon.set(Thread.currentThread().isDaemon() ? 1 : 2);
            ran.countDown();
        }, 0);

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon).hasValue(1);
    }

    private static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name)).findFirst().orElse(null);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
