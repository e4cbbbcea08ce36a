package dev.resilience.ratelimiter.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every transition it was told, as {@code lost:name} and {@code back:name}. */
final class RecordingListener implements EngineStateListener {

    final List<String> transitions = new CopyOnWriteArrayList<>();
    final List<Throwable> causes = new CopyOnWriteArrayList<>();

    @Override
    public void engineLost(String name, Throwable cause) {
        transitions.add("lost:" + name);
        causes.add(cause);
    }

    @Override
    public void engineBack(String name) {
        transitions.add("back:" + name);
    }
}
