package dev.resilience.spring.http;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Starts a {@link TestHttpServer} in a field initialiser. */
final class TestHttpServers {

    private TestHttpServers() {
    }

    static TestHttpServer start() {
        try {
            return new TestHttpServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
