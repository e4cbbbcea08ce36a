package dev.resilience.core.bulkhead;

import java.time.Duration;
import java.time.Instant;

/**
 * One call inside a bulkhead right now.
 *
 * @param call      what the caller said the call is, e.g. {@code InventoryClient.fetch}
 * @param thread    the name of the thread running it (for an asynchronous call, the thread that asked for the
 *                  place)
 * @param startedAt when it entered
 * @param duration  how long it has been inside
 * @param timedOut  whether its caller has stopped waiting for it (a timeout ended the call) while it still
 *                  runs and holds its place
 */
public record InFlightCall(String call, String thread, Instant startedAt, Duration duration, boolean timedOut) {
}
