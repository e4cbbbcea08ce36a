package dev.resilience.spring.aop;

import org.springframework.aop.framework.AdvisedSupport;
import org.springframework.aop.framework.AdvisedSupportListener;

/**
 * A proxy we created, and whether our advisors are still all it has. Other post-processors may add advice to
 * it later (method validation, for one); Spring tells us, so a call reads a flag instead of asking the proxy.
 */
final class OwnProxy implements AdvisedSupportListener {

    private final int ownAdvisors;
    private volatile boolean alone = true;

    /** @param ownAdvisors how many advisors we put on the proxy: one per annotated method */
    OwnProxy(int ownAdvisors) {
        this.ownAdvisors = ownAdvisors;
    }

    /** Whether the interceptor chain is ours alone, so a retry may proceed again on the same invocation. */
    boolean alone() {
        return alone;
    }

    @Override
    public void activated(AdvisedSupport advised) {
        adviceChanged(advised);
    }

    @Override
    public void adviceChanged(AdvisedSupport advised) {
        alone = advised.getAdvisorCount() == ownAdvisors;
    }
}
