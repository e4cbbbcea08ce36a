package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Counts a bulkhead's free places the way a caller finds them: by taking them. */
final class FreePlaces {

    private FreePlaces() {
    }

    /** Exactly {@code places} calls described as {@code call} get in, the next is refused; all are let go again. */
    static void assertExactly(Bulkhead bulkhead, int places, String call, String why) {
        List<Bulkhead.Permit> fill = new ArrayList<>();
        for (int i = 0; i < places; i++) {
            fill.add(bulkhead.tryAcquire(call));
        }
        assertThat(fill).as(why).doesNotContainNull();
        assertThat(bulkhead.tryAcquire(call)).isNull();
        fill.forEach(Bulkhead.Permit::release);
    }
}
