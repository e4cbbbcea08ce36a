package dev.resilience.core.hedge;

/** One synchronous call through a hedge while it is watched: what an extra attempt needs to run. */
final class SyncCall {

    final SyncHedgeStage stage;
    final Object call;
    final int kind;
    final Object argument;
    final Thread caller;
    final long start;
    /** Whether its attempts' latency goes into the hedge's window (decided before the call). */
    final boolean measured;
    /** Set by the sweep before it takes the call out of its slot; read by the caller after it found it gone. */
    private volatile SyncRace race;

    SyncCall(SyncHedgeStage stage, Object call, int kind, Object argument, long start, boolean measured) {
        this.stage = stage;
        this.call = call;
        this.kind = kind;
        this.argument = argument;
        this.caller = Thread.currentThread();
        this.start = start;
        this.measured = measured;
    }

    /** On the sweep, before it claims the call: the race the call becomes if the claim succeeds. */
    SyncRace prepareRace(long delay) {
        SyncRace prepared = new SyncRace(this, stage.hedge.settings(), delay);
        race = prepared;
        return prepared;
    }

    /** On the caller's thread, once it found its call claimed by the sweep. */
    SyncRace awaitRace() {
        SyncRace current = race;
        while (current == null) { // set before the claim: only a reordering could show it missing
            Thread.onSpinWait();
            current = race;
        }
        return current;
    }
}
