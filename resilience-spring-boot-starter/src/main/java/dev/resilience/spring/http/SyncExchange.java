package dev.resilience.spring.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.spring.observation.ObservedCalls;
import dev.resilience.spring.observation.ResilienceObservationContext;
import dev.resilience.spring.observation.ResilienceObservations;

/**
 * One request through a client's pipeline, on the caller's thread. A failure status becomes an
 * {@link HttpFailureStatusException} inside the pipeline, its body read into memory and its connection
 * released at once; after the last attempt the response goes back to the client as if we were not there.
 * Every other response that is not handed back (one that came after its deadline) is closed. Observed, the
 * request is one {@code resilience.call} observation; a failure status after the last attempt is its failure.
 * Fault injection, when the client has it, acts inside the attempt: a delay on the caller's thread (through the
 * clock), then an injected failure in place of the request.
 */
final class SyncExchange {

    private final ProtectedHttpClient client;
    private final HttpRequest request;
    private final byte[] body;
    private final ClientHttpRequestExecution execution;
    /** The latest response still holding a connection, not yet handed back. */
    private ClientHttpResponse live;
    /** The failure status the last attempt ended with, handed back as the response; {@code null} if none. */
    private HttpFailureStatusException lastFailureStatus;

    private SyncExchange(ProtectedHttpClient client, HttpRequest request, byte[] body,
            ClientHttpRequestExecution execution) {
        this.client = client;
        this.request = request;
        this.body = body;
        this.execution = execution;
    }

    static ClientHttpResponse execute(ProtectedHttpClient client, HttpRequest request, byte[] body,
            ClientHttpRequestExecution execution) throws IOException {
        ResiliencePipeline pipeline = client.pipelineFor(request.getMethod().name(), request.getHeaders());
        SyncExchange exchange = new SyncExchange(client, request, body, execution);
        ObservedCalls observed = client.observed(pipeline);
        if (observed != null) {
            return exchange.observed(pipeline, observed);
        }
        return exchange.run(pipeline);
    }

    private ClientHttpResponse observed(ResiliencePipeline pipeline, ObservedCalls observed) throws IOException {
        ResilienceObservationContext call = observed.start();
        ResilienceObservations.Frame frame = observed.enter(call, true);
        Throwable failure = null;
        try {
            return run(pipeline);
        } catch (IOException | RuntimeException | Error thrown) {
            failure = thrown;
            throw thrown;
        } finally {
            observed.exit(frame);
            observed.finish(call, failure != null ? failure : lastFailureStatus);
        }
    }

    private ClientHttpResponse run(ResiliencePipeline pipeline) throws IOException {
        SyncExchange exchange = this;
        ClientHttpResponse returned = null;
        try {
            returned = pipeline.execute(SyncExchange::attempt, exchange);
            return returned;
        } catch (HttpFailureStatusException lastFailure) {
            lastFailureStatus = lastFailure;
            returned = (ClientHttpResponse) lastFailure.response();
            return returned;
        } catch (IOException | RuntimeException | Error failure) {
            throw failure;
        } catch (Throwable unexpected) {
            throw new IOException(unexpected); // only an injected checked exception of another type
        } finally {
            exchange.closeLiveUnless(returned);
        }
    }

    /** One attempt: the rest of the interceptor chain, then the request itself (unless fault injection fails it). */
    private ClientHttpResponse attempt() throws Throwable {
        closeLiveUnless(null); // a response that came too late for the previous attempt
        BufferedResponse injected = client.chaos == null ? null : injectChaos(client.chaos);
        ClientHttpResponse response = injected != null ? injected : execution.execute(request, body);
        live = response;
        int status = response.getStatusCode().value();
        if (!client.rules.isFailure(status)) {
            return response;
        }
        BufferedResponse buffered = injected != null ? injected : BufferedResponse.readAndClose(response);
        live = null;
        throw new HttpFailureStatusException(client.name, status, client.rules.retryAfter(status,
                buffered.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), client.clock), buffered, injected != null);
    }

    /**
     * Delays the attempt (on this thread, through the clock) and fails it, as {@code chaos} draws: the response to
     * answer with in place of the server's, or {@code null} to send the request.
     *
     * @throws Throwable the configured exception of an injected failure without a status
     */
    private static BufferedResponse injectChaos(Chaos chaos) throws Throwable {
        Duration delay = chaos.injectLatency();
        if (!delay.isZero()) {
            try {
                chaos.clock().sleep(delay.toNanos());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt(); // e.g. the timeout's: it reports the attempt as timed out
                throw new InterruptedIOException("interrupted while delayed by chaos '" + chaos.name() + "'");
            }
        }
        if (!chaos.injectFault()) {
            return null;
        }
        int status = chaos.config().status();
        if (status == 0) {
            throw HttpChaos.fault(chaos);
        }
        return HttpChaos.response(chaos, status);
    }

    private void closeLiveUnless(ClientHttpResponse returned) {
        ClientHttpResponse response = live;
        if (response != null && response != returned) {
            live = null;
            response.close();
        }
    }
}
