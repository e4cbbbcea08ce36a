package dev.resilience.core.fallback;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.ExceptionFilter;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;
import dev.resilience.core.internal.StageFactory;

/**
 * A named, immutable fallback: a function of the failure that supplies the result instead. {@code applyOn}
 * (default: every failure) and {@code skipOn} (wins) decide which failures it handles; the others propagate
 * unchanged. In an asynchronous execution the function returns the {@code CompletionStage} to complete with.
 */
public final class Fallback<T> {

    private final String name;
    private final FallbackFunction<? extends T> function;
    private final ExceptionFilter handled;
    private final EventPublisher events;

    static {
        registerStages();
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // Fallback.class is the raw type
    private static void registerStages() {
        StageFactories.register((Class) Fallback.class, (StageFactory) new FallbackStages());
    }

    private Fallback(Builder<T> b) {
        this.name = Validation.name(b.name);
        this.function = Objects.requireNonNull(b.function, "function");
        this.handled = ExceptionFilter.of(b.applyOn, b.skipOn);
        this.events = new EventPublisher(name, b.clock);
    }

    /** A fallback for every failure. */
    public static <T> Fallback<T> of(String name, FallbackFunction<? extends T> function) {
        return Fallback.<T>builder(name, function).build();
    }

    public static <T> Builder<T> builder(String name, FallbackFunction<? extends T> function) {
        return new Builder<>(name, function);
    }

    /** Whether this fallback handles {@code failure}. */
    public boolean handles(Throwable failure) {
        return handled.matches(failure);
    }

    /**
     * The fallback result for {@code failure}.
     *
     * @throws Throwable whatever the function throws, unchanged
     */
    public T apply(Throwable failure) throws Throwable {
        events.publish(EventType.FALLBACK_USED, failure.getClass().getSimpleName(), null, failure, null);
        return function.apply(failure);
    }

    /**
     * The fallback result for {@code failure} from {@code function} instead of this fallback's own, for
     * callers that know the fallback only per call (e.g. one that needs the call's arguments).
     *
     * @throws Throwable whatever {@code function} throws, unchanged
     */
    public <R> R apply(Throwable failure, FallbackFunction<R> function) throws Throwable {
        events.publish(EventType.FALLBACK_USED, failure.getClass().getSimpleName(), null, failure, null);
        return function.apply(failure);
    }

    public String name() {
        return name;
    }

    /** Types handled; empty means every type. */
    public List<Class<? extends Throwable>> applyOn() {
        return handled.included();
    }

    /** Types never handled; wins over {@link #applyOn()}. */
    public List<Class<? extends Throwable>> skipOn() {
        return handled.excluded();
    }

    public EventPublisher events() {
        return events;
    }

    @Override
    public String toString() {
        return "Fallback[" + name + "]";
    }

    /** Mutable builder. */
    public static final class Builder<T> {
        private final String name;
        private final FallbackFunction<? extends T> function;
        private List<Class<? extends Throwable>> applyOn = new ArrayList<>();
        private List<Class<? extends Throwable>> skipOn = new ArrayList<>();
        private Clock clock = Clock.system();

        private Builder(String name, FallbackFunction<? extends T> function) {
            this.name = name;
            this.function = function;
        }

        /** Handle only these types (and subclasses); empty: every type. */
        @SafeVarargs
        public final Builder<T> applyOn(Class<? extends Throwable>... types) {
            return applyOn(types == null ? null : Arrays.asList(types));
        }

        public Builder<T> applyOn(List<Class<? extends Throwable>> types) {
            this.applyOn = types == null ? null : new ArrayList<>(types);
            return this;
        }

        /** Never handle these types (and subclasses), even when applied on. */
        @SafeVarargs
        public final Builder<T> skipOn(Class<? extends Throwable>... types) {
            return skipOn(types == null ? null : Arrays.asList(types));
        }

        public Builder<T> skipOn(List<Class<? extends Throwable>> types) {
            this.skipOn = types == null ? null : new ArrayList<>(types);
            return this;
        }

        /** The clock that stamps this fallback's events. */
        public Builder<T> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @throws dev.resilience.core.InvalidConfigException when the name is blank or a list is missing or
         *                                                    holds null
         */
        public Fallback<T> build() {
            Validation.noNulls("applyOn", applyOn);
            Validation.noNulls("skipOn", skipOn);
            return new Fallback<>(this);
        }
    }
}
