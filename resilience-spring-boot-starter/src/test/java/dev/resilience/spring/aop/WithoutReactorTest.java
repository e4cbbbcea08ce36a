package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * An application without Reactor starts exactly as before: the reactive call style ships with the starter but
 * none of it loads. The test class path has Reactor, so the scenario runs in a class loader that hides it.
 */
class WithoutReactorTest {

    @Test
    void anApplicationWithoutReactorStartsAndItsMethodsAreProtectedAsBefore() throws Exception {
        try (HidingClassLoader loader = new HidingClassLoader(testClassPath(), "reactor.", "org.reactivestreams.")) {
            assertThatThrownBy(() -> loader.loadClass("reactor.core.publisher.Mono"))
                    .as("Reactor is hidden").isInstanceOf(ClassNotFoundException.class);
            Runnable scenario = (Runnable) loader.loadClass(Scenario.class.getName()).getDeclaredConstructor()
                    .newInstance();
            assertThat(scenario.getClass().getClassLoader()).isSameAs(loader);

            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader); // Spring loads conditions and proxies through it
            try {
                scenario.run();
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    /** Runs inside the hiding class loader; throws if anything differs from an application without Reactor. */
    public static class Scenario implements Runnable {

        @Override
        public void run() {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
                    .withBean(Service.class)
                    .withPropertyValues("resilience.retry.instances.plain.wait-duration=0ms",
                            "resilience.retry.instances.plain.max-attempts=3")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        Service service = context.getBean(Service.class);
                        assertThat(service.failsTwice()).isEqualTo("ok on 3");
                        assertThat(service.failsTwiceAsync().join()).isEqualTo("ok on 6");
                    });
        }
    }

    public static class Service {
        private final AtomicInteger calls = new AtomicInteger();

        @Retry(name = "plain")
        public String failsTwice() throws IOException {
            int call = calls.incrementAndGet();
            if (call % 3 != 0) {
                throw new IOException("down " + call);
            }
            return "ok on " + call;
        }

        @Retry(name = "plain")
        public CompletableFuture<String> failsTwiceAsync() {
            int call = calls.incrementAndGet();
            return call % 3 != 0 ? CompletableFuture.failedFuture(new IOException("down " + call))
                    : CompletableFuture.completedFuture("ok on " + call);
        }
    }

    private static URL[] testClassPath() throws MalformedURLException {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            // Reactor's jars (and those built on it) are left out altogether, their service files too.
            if (!entry.isBlank() && !entry.matches(".*/(reactor-[^/]*|reactive-streams[^/]*|kotlinx-coroutines-reactor"
                    + "[^/]*)\\.jar$")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** Loads everything but the JDK itself, and refuses the hidden packages, should anything still name them. */
    static final class HidingClassLoader extends URLClassLoader {

        private final String[] hidden;

        HidingClassLoader(URL[] urls, String... hidden) {
            super("without-reactor", urls, ClassLoader.getPlatformClassLoader());
            this.hidden = hidden;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            for (String prefix : hidden) {
                if (name.startsWith(prefix)) {
                    throw new ClassNotFoundException(name + " (hidden)");
                }
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            for (String prefix : hidden) {
                if (name.startsWith(prefix.replace('.', '/'))) {
                    return null;
                }
            }
            return super.getResource(name);
        }
    }
}
