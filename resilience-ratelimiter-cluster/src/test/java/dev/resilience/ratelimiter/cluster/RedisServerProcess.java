package dev.resilience.ratelimiter.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on 127.0.0.1, started by the test as a child process: no persistence, its
 * working files in a temporary folder. A machine without {@code redis-server} on its PATH fails the test
 * (CI installs it): these tests never skip.
 */
final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final Path log;
    private Process process;

    /** On a free port; call {@link #start()}. */
    RedisServerProcess() {
        this(LoopbackHazelcast.freePort());
    }

    RedisServerProcess(int port) {
        this.port = port;
        try {
            this.dir = Files.createTempDirectory("redis-" + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.log = dir.resolve("redis.log");
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it and waits until it answers PING. */
    RedisServerProcess start() {
        List<String> command = List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (is it installed? apt-get install -y "
                    + "redis-server; .ci/run installs it): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = read(log);
                stop();
                throw new IllegalStateException("redis-server did not come up on port " + port + ":\n" + output);
            }
            LoopbackHazelcast.sleep(20);
        }
        return this;
    }

    /** Kills it and waits until it is gone. */
    void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stop();
        File[] files = dir.toFile().listFiles();
        if (files != null) {
            for (File file : files) {
                file.delete();
            }
        }
        dir.toFile().delete();
    }
}
