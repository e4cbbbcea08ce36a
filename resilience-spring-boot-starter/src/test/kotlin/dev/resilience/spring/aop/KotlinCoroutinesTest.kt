package dev.resilience.spring.aop

import dev.resilience.annotation.Bulkhead
import dev.resilience.annotation.CircuitBreaker
import dev.resilience.annotation.Fallback
import dev.resilience.annotation.Retry
import dev.resilience.annotation.Timeout
import dev.resilience.core.bulkhead.BulkheadRegistry
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry
import dev.resilience.core.timeout.TimeoutExceededException
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.test.ManualClock
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.assertj.AssertableApplicationContext
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration
import java.io.IOException
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

/**
 * Kotlin: a `suspend fun` behaves like a method returning `Mono`, a function returning `Flow` like one
 * returning `Flux`. Spring AOP hands the interceptor a suspend function's body as a `Mono`; each retry runs the
 * body again; cancelling the coroutine cancels the call and hands its places back.
 */
class KotlinCoroutinesTest {

    private val runner = ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java))
        .withUserConfiguration(Config::class.java)
        .withPropertyValues(
            "resilience.retry.instances.kotlin-retry.max-attempts=3",
            "resilience.retry.instances.kotlin-retry.wait-duration=0ms",
            "resilience.timeout.instances.kotlin-timeout.duration=2s",
            "resilience.bulkhead.instances.kotlin-bulkhead.max-concurrent-calls=1",
            "resilience.circuitbreaker.instances.kotlin-breaker.minimum-number-of-calls=2",
            "resilience.circuitbreaker.instances.kotlin-breaker.sliding-window-size=2",
        )

    /** Runs [assertions] in a fresh context; returns nothing, as a JUnit test must. */
    private fun inContext(assertions: (AssertableApplicationContext) -> Unit) {
        runner.run { context -> assertions(context) }
    }

    @Test
    fun `each retry of a suspend function runs its body again`() = inContext { context ->
        val service = context.getBean(CoroutineService::class.java)

        val result = runBlocking { service.failsTwice() }

        assertThat(result).isEqualTo("ok on run 3")
        assertThat(service.runs().get()).isEqualTo(3)
    }

    @Test
    fun `the breaker counts a suspend function's outcome`() = inContext { context ->
        val service = context.getBean(CoroutineService::class.java)
        val breaker = context.getBean(CircuitBreakerRegistry::class.java).instance("kotlin-breaker")

        runBlocking {
            repeat(2) { assertThatThrownBy { runBlocking { service.alwaysFails() } }.isInstanceOf(IOException::class.java) }
        }

        assertThat(breaker.failedCalls()).isEqualTo(2)
        assertThat(breaker.state()).isEqualTo(dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN)
    }

    @Test
    fun `the timeout ends a suspended call on the clock`() = inContext { context ->
        val service = context.getBean(CoroutineService::class.java)
        val clock = context.getBean(ManualClock::class.java)

        runBlocking {
            val call = async(Dispatchers.Default) { runCatching { service.hangs() } }
            await().atMost(Duration.ofSeconds(5)).until { clock.pendingTasks() == 1 }
            clock.advance(Duration.ofSeconds(2))

            val outcome = withTimeout(5_000) { call.await() }
            assertThat(outcome.exceptionOrNull()).isInstanceOf(TimeoutExceededException::class.java)
        }
        assertThat(service.cancellations().get()).`as`("the body was cancelled at the deadline").isEqualTo(1)
    }

    @Test
    fun `cancelling the coroutine cancels the call and frees its bulkhead place`() = inContext { context ->
        val service = context.getBean(CoroutineService::class.java)
        val bulkhead = context.getBean(BulkheadRegistry::class.java).instance("kotlin-bulkhead")

        runBlocking {
            val job = launch(Dispatchers.Default, start = CoroutineStart.DEFAULT) { service.holdsAPlace() }
            await().atMost(Duration.ofSeconds(5)).until { bulkhead.inFlightCalls().size == 1 }

            job.cancel()
            job.join()
        }

        await().atMost(Duration.ofSeconds(5)).until { bulkhead.inFlightCalls().isEmpty() }
        assertThat(bulkhead.activeCalls()).isZero()
        assertThat(service.cancellations().get()).isEqualTo(1)
    }

    @Test
    fun `a suspend fallback gets the arguments and the failure`() = inContext { context ->
        val service = context.getBean(CoroutineService::class.java)

        assertThat(runBlocking { service.withFallback("item-7") }).isEqualTo("cached item-7 after down")
    }

    @Test
    fun `a Flow is retried as a whole and streams its elements`() = inContext { context ->
        val service = context.getBean(CoroutineService::class.java)

        val elements = runBlocking { service.numbers().toList() }

        assertThat(elements).containsExactly(1, 1, 2, 3)
        assertThat(service.runs().get()).isEqualTo(2)
    }

    @Test
    fun `a suspend function with a fallback that does not suspend stops start-up`() {
        runner.withBean(NotSuspendingFallback::class.java).run { context ->
            assertThat(context).hasFailed()
            assertThat(context.startupFailure).rootCause().isInstanceOf(InvalidFallbackException::class.java)
                .hasMessage(
                    "@Fallback(method = \"recover\") on ${NotSuspendingFallback::class.java.name}.call(String) " +
                        "cannot be used: recover(String) is not a suspend function. Expected a method of the same " +
                        "class (it may be private) declared as suspend fun recover(String): String or " +
                        "suspend fun recover(String, <a Throwable type>): String.",
                )
        }
    }

    @Configuration(proxyBeanMethods = false)
    open class Config {
        @Bean
        open fun manualClock() = ManualClock()

        @Bean
        open fun coroutineService() = CoroutineService()
    }

    open class CoroutineService {
        private val runs = AtomicInteger()
        private val cancellations = AtomicInteger()

        open fun runs() = runs

        open fun cancellations() = cancellations

        @Retry(name = "kotlin-retry")
        open suspend fun failsTwice(): String {
            yield()
            val run = runs.incrementAndGet()
            if (run < 3) throw IOException("down $run")
            return "ok on run $run"
        }

        @CircuitBreaker(name = "kotlin-breaker")
        open suspend fun alwaysFails(): String {
            yield()
            throw IOException("down")
        }

        @Timeout(name = "kotlin-timeout")
        open suspend fun hangs(): String = try {
            awaitCancellation()
        } finally {
            cancellations.incrementAndGet()
        }

        @Bulkhead(name = "kotlin-bulkhead")
        open suspend fun holdsAPlace(): String = try {
            awaitCancellation()
        } finally {
            cancellations.incrementAndGet()
        }

        @Fallback(method = "cached")
        open suspend fun withFallback(id: String): String {
            yield()
            throw IOException("down")
        }

        private suspend fun cached(id: String, failure: IOException): String {
            yield()
            return "cached $id after ${failure.message}"
        }

        @Retry(name = "kotlin-retry")
        open fun numbers(): Flow<Int> = flow {
            if (runs.incrementAndGet() == 1) {
                emit(1)
                throw IOException("broken stream")
            }
            emit(1)
            emit(2)
            emit(3)
        }
    }

    open class NotSuspendingFallback {
        @Fallback(method = "recover")
        open suspend fun call(id: String): String = id

        fun recover(id: String): String = "plain $id"
    }
}
