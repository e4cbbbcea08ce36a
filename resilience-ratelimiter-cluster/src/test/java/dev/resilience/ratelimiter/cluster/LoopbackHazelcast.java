package dev.resilience.ratelimiter.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig.ReconnectMode;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Hazelcast members and clients for tests: loopback only (TCP-IP join on 127.0.0.1, no multicast, no
 * auto-detection, no phone-home), small, quiet, quick to join.
 */
public final class LoopbackHazelcast {

    /** Keeps the logger configured (JUL holds loggers weakly). */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    static {
        HAZELCAST_LOG.setLevel(Level.WARNING);
    }

    private LoopbackHazelcast() {
    }

    /** A free TCP port on the loopback address. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A member of cluster {@code clusterName} on {@code port}, joining the members on {@code ports}. */
    public static Config memberConfig(String clusterName, int port, List<Integer> ports) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName + "-" + port);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.partition.count", "17");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
        config.getJetConfig().setEnabled(false);
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int member : ports) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + member);
        }
        return config;
    }

    /** {@code count} members of one new cluster, started in parallel, joined when this returns. */
    public static List<HazelcastInstance> startCluster(String clusterName, int count) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(freePort());
        }
        List<CompletableFuture<HazelcastInstance>> starting = new ArrayList<>();
        for (int port : ports) {
            Config config = memberConfig(clusterName, port, ports);
            starting.add(CompletableFuture.supplyAsync(() -> Hazelcast.newHazelcastInstance(config)));
        }
        List<HazelcastInstance> members = new ArrayList<>();
        for (CompletableFuture<HazelcastInstance> member : starting) {
            members.add(member.join());
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (members.stream().anyMatch(m -> m.getCluster().getMembers().size() != count)) {
            if (System.nanoTime() > deadline) {
                members.forEach(HazelcastInstance::shutdown);
                throw new IllegalStateException("the members did not form one cluster of " + count);
            }
            sleep(50);
        }
        return members;
    }

    /** A client of the member on {@code port} that, when the cluster goes, fails calls at once and reconnects. */
    public static HazelcastInstance client(String clusterName, int port) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.client.invocation.timeout.seconds", "2");
        config.getNetworkConfig().addAddress("127.0.0.1:" + port);
        config.getNetworkConfig().getAutoDetectionConfig().setEnabled(false);
        config.getConnectionStrategyConfig().setReconnectMode(ReconnectMode.ASYNC);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setInitialBackoffMillis(50)
                .setMaxBackoffMillis(200).setJitter(0).setClusterConnectTimeoutMillis(Long.MAX_VALUE);
        return HazelcastClient.newHazelcastClient(config);
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
