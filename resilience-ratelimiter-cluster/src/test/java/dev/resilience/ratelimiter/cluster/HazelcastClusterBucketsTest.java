package dev.resilience.ratelimiter.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.hazelcast.core.HazelcastInstance;

import dev.resilience.test.ManualClock;

/** Three Hazelcast members in this JVM on loopback, one {@link ClusterPermitBuckets} on each. */
class HazelcastClusterBucketsTest extends SharedBucketsContract {

    private static final ManualClock CLOCK = new ManualClock();
    private static List<HazelcastInstance> members;
    private static final List<ClusterPermitBuckets> INSTANCES = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        members = LoopbackHazelcast.startCluster("rl-" + UUID.randomUUID(), 3);
        for (HazelcastInstance member : members) {
            INSTANCES.add(HazelcastEngine.buckets(member).clock(CLOCK).engineTimeOnClock(true).build());
        }
    }

    @AfterAll
    static void stopCluster() {
        if (members != null) {
            members.forEach(HazelcastInstance::shutdown);
        }
    }

    @Override
    ManualClock clock() {
        return CLOCK;
    }

    @Override
    List<ClusterPermitBuckets> instances() {
        return INSTANCES;
    }

    @Override
    ClusterPermitBuckets startAnotherInstance() {
        return HazelcastEngine.buckets(members.get(1)).clock(CLOCK).engineTimeOnClock(true).build();
    }
}
