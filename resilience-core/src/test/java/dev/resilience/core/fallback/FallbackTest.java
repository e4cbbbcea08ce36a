package dev.resilience.core.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilience.test.ManualClock;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;

class FallbackTest {

    @Test
    void suppliesTheResultFromTheFailure() throws Throwable {
        Fallback<String> fallback = Fallback.of("inventory", failure -> "cached after " + failure.getMessage());

        assertThat(fallback.apply(new IOException("timeout"))).isEqualTo("cached after timeout");
    }

    @Test
    void handlesEveryFailureByDefault() {
        Fallback<String> fallback = Fallback.of("inventory", failure -> "x");

        assertThat(fallback.handles(new IOException())).isTrue();
        assertThat(fallback.handles(new IllegalStateException())).isTrue();
        assertThat(fallback.handles(new StackOverflowError())).isTrue();
        assertThat(fallback.applyOn()).isEmpty();
        assertThat(fallback.skipOn()).isEmpty();
    }

    @Test
    void applyOnLimitsItToThoseTypesAndTheirSubclasses() {
        Fallback<String> fallback = Fallback.<String>builder("inventory", failure -> "x")
                .applyOn(IOException.class).build();

        assertThat(fallback.handles(new IOException())).isTrue();
        assertThat(fallback.handles(new FileNotFoundException())).isTrue();
        assertThat(fallback.handles(new IllegalStateException())).isFalse();
        assertThat(fallback.applyOn()).containsExactly(IOException.class);
    }

    @Test
    void skipOnWinsOverApplyOn() {
        Fallback<String> fallback = Fallback.<String>builder("inventory", failure -> "x")
                .applyOn(IOException.class).skipOn(FileNotFoundException.class).build();

        assertThat(fallback.handles(new IOException())).isTrue();
        assertThat(fallback.handles(new FileNotFoundException())).isFalse();
        assertThat(fallback.skipOn()).containsExactly(FileNotFoundException.class);
    }

    @Test
    void skipOnAloneExcludesOnlyThoseTypes() {
        Fallback<String> fallback = Fallback.<String>builder("inventory", failure -> "x")
                .skipOn(IllegalArgumentException.class).build();

        assertThat(fallback.handles(new NumberFormatException())).isFalse();
        assertThat(fallback.handles(new IOException())).isTrue();
    }

    @Test
    void isNotUsedWhenTheCallSucceeds() {
        AtomicInteger used = new AtomicInteger();
        ResiliencePipeline pipeline = ResiliencePipeline.builder()
                .fallback(Fallback.of("inventory", failure -> "fallback:" + used.incrementAndGet())).build();

        assertThat(pipeline.get(() -> "live")).isEqualTo("live");
        assertThat(used).hasValue(0);
    }

    @Test
    void replacesAHandledFailureInThePipeline() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        IllegalStateException failure = new IllegalStateException("down");
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(Fallback.of("inventory", thrown -> {
            seen.set(thrown);
            return "cached";
        })).build();

        assertThat(pipeline.<String>get(() -> {
            throw failure;
        })).isEqualTo("cached");
        assertThat(seen.get()).isSameAs(failure);
    }

    @Test
    void failureItDoesNotHandlePropagatesUnchanged() {
        IllegalArgumentException badRequest = new IllegalArgumentException("bad request");
        AtomicInteger used = new AtomicInteger();
        ResiliencePipeline pipeline = ResiliencePipeline.builder()
                .fallback(Fallback.<String>builder("inventory", failure -> "fallback:" + used.incrementAndGet())
                        .skipOn(IllegalArgumentException.class).build())
                .build();

        assertThatThrownBy(() -> pipeline.get(() -> {
            throw badRequest;
        })).isSameAs(badRequest);
        assertThat(used).hasValue(0);
    }

    @Test
    void checkedFailureItDoesNotHandlePropagatesUnchanged() {
        IOException io = new IOException("disk");
        ResiliencePipeline pipeline = ResiliencePipeline.builder()
                .fallback(Fallback.<String>builder("inventory", failure -> "x").applyOn(IllegalStateException.class)
                        .build())
                .build();

        assertThatThrownBy(() -> pipeline.call(() -> {
            throw io;
        })).isSameAs(io);
    }

    @Test
    void fallbacksOwnExceptionPropagates() {
        IllegalStateException fallbackFailure = new IllegalStateException("cache empty too");
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(Fallback.of("inventory", failure -> {
            throw fallbackFailure;
        })).build();

        assertThatThrownBy(() -> pipeline.get(() -> {
            throw new IllegalArgumentException("down");
        })).isSameAs(fallbackFailure);
    }

    @Test
    void fallbacksOwnCheckedExceptionPropagatesThroughCall() {
        IOException fallbackFailure = new IOException("cache unreachable");
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(Fallback.of("inventory", failure -> {
            throw fallbackFailure;
        })).build();

        assertThatThrownBy(() -> pipeline.call(() -> {
            throw new IllegalStateException("down");
        })).isSameAs(fallbackFailure);
    }

    @Test
    void publishesFallbackUsedWithTheFailure() throws Throwable {
        ManualClock clock = new ManualClock();
        clock.advance(Duration.ofSeconds(5));
        Fallback<String> fallback = Fallback.<String>builder("inventory", failure -> "x").clock(clock).build();
        List<ResilienceEvent> events = new ArrayList<>();
        fallback.events().onEvent(events::add);
        IOException failure = new IOException("down");

        fallback.apply(failure);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.FALLBACK_USED);
            assertThat(event.name()).isEqualTo("inventory");
            assertThat(event.detail()).isEqualTo("IOException");
            assertThat(event.error()).isSameAs(failure);
            assertThat(event.time()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
        });
    }

    @Test
    void listenerThatThrowsDoesNotBreakTheFallback() {
        Fallback<String> fallback = Fallback.of("inventory", failure -> "cached");
        fallback.events().onEvent(event -> {
            throw new IllegalStateException("broken listener");
        });
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(fallback).build();

        assertThat(pipeline.<String>get(() -> {
            throw new IllegalStateException("down");
        })).isEqualTo("cached");
    }

    @Test
    void nullExceptionTypeGivenAsVarargsIsRejectedNamingTheList() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Fallback.builder("inventory", failure -> "x").skipOn(IOException.class, null).build())
                .withMessage("skipOn must not contain null, but was [class java.io.IOException, null]");
    }

    @Test
    void nullExceptionTypeIsRejectedNamingTheListAndItsValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Fallback.builder("inventory", failure -> "x")
                        .applyOn(Arrays.asList(IOException.class, null)).build())
                .withMessage("applyOn must not contain null, but was [class java.io.IOException, null]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Fallback.builder("inventory", failure -> "x")
                        .skipOn(Arrays.asList((Class<? extends Throwable>) null)).build())
                .withMessage("skipOn must not contain null, but was [null]");
    }

    @Test
    void blankNameIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Fallback.of(" ", failure -> "x"))
                .withMessage("name must not be blank, but was ' '");
    }

    @Test
    void missingFunctionIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> Fallback.of("inventory", null)).withMessage("function");
    }

    @Test
    void describesItselfByName() {
        assertThat(Fallback.of("inventory", failure -> "x")).hasToString("Fallback[inventory]");
    }
}
