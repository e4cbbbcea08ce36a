package dev.resilience.spring.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/** A failure response read into memory, so its connection goes back to the pool whatever happens next. */
final class BufferedResponse implements ClientHttpResponse {

    private final HttpStatusCode status;
    private final String statusText;
    private final HttpHeaders headers;
    private final byte[] body;

    private BufferedResponse(HttpStatusCode status, String statusText, HttpHeaders headers, byte[] body) {
        this.status = status;
        this.statusText = statusText;
        this.headers = headers;
        this.body = body;
    }

    /** A response made here, not received (fault injection's). */
    static BufferedResponse of(HttpStatusCode status, String statusText, HttpHeaders headers, byte[] body) {
        return new BufferedResponse(status, statusText, headers, body);
    }

    static BufferedResponse readAndClose(ClientHttpResponse response) throws IOException {
        try (response) {
            HttpHeaders headers = new HttpHeaders();
            headers.putAll(response.getHeaders());
            byte[] body;
            try (InputStream in = response.getBody()) {
                body = in.readAllBytes();
            }
            return new BufferedResponse(response.getStatusCode(), response.getStatusText(),
                    HttpHeaders.readOnlyHttpHeaders(headers), body);
        }
    }

    @Override
    public HttpStatusCode getStatusCode() {
        return status;
    }

    @Override
    public String getStatusText() {
        return statusText;
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }

    @Override
    public InputStream getBody() {
        return new ByteArrayInputStream(body);
    }

    @Override
    public void close() {
        // nothing held
    }
}
