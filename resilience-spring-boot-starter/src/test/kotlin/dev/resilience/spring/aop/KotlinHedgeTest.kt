package dev.resilience.spring.aop

import dev.resilience.annotation.Bulkhead
import dev.resilience.annotation.Hedge
import dev.resilience.core.bulkhead.BulkheadRegistry
import dev.resilience.core.hedge.HedgeRegistry
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.test.ManualClock
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.context.annotation.Bean
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

/** A hedged `suspend fun`: a slow run gets a second one beside it, and the loser's coroutine is cancelled. */
class KotlinHedgeTest {

    private val runner = ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java))
        .withUserConfiguration(Config::class.java)
        .withPropertyValues(
            "resilience.hedge.instances.kotlin-hedge.delay=100ms",
            "resilience.bulkhead.instances.kotlin-hedge.max-concurrent-calls=2",
        )

    @Test
    fun `a slow suspend call gets a second run and the losing coroutine is cancelled`() {
        runner.run { context ->
            val service = context.getBean(HedgedService::class.java)
            val clock = context.getBean(ManualClock::class.java)
            val bulkhead = context.getBean(BulkheadRegistry::class.java).instance("kotlin-hedge")

            val result = runBlocking {
                val call = async(Dispatchers.Default) { service.slowFirst() }
                await().atMost(Duration.ofSeconds(10)).until { service.runs().get() == 1 }
                clock.advance(Duration.ofMillis(100))
                call.await()
            }

            assertThat(result).isEqualTo("quick on run 2")
            await().atMost(Duration.ofSeconds(10)).until { service.cancellations().get() == 1 }
            assertThat(bulkhead.availablePermits()).isEqualTo(2)
            assertThat(context.getBean(HedgeRegistry::class.java).instance("kotlin-hedge").hedgeWins()).isEqualTo(1)
        }
    }

    open class Config {
        @Bean
        open fun manualClock() = ManualClock()

        @Bean
        open fun hedgedService() = HedgedService()
    }

    open class HedgedService {
        private val runs = AtomicInteger()
        private val cancellations = AtomicInteger()

        open fun runs() = runs

        open fun cancellations() = cancellations

        @Hedge(name = "kotlin-hedge")
        @Bulkhead(name = "kotlin-hedge")
        open suspend fun slowFirst(): String {
            val run = runs.incrementAndGet()
            if (run == 1) {
                try {
                    awaitCancellation()
                } finally {
                    cancellations.incrementAndGet()
                }
            }
            return "quick on run $run"
        }
    }
}
