#!/usr/bin/env python3
"""Drives the running sample app through a breaker story and samples /actuator/prometheus into a CSV.

Start the sample first (port 8080 unless --base says otherwise):

    ./mvnw -o -pl sample-app -am package -DskipTests
    java -jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar

then `python3 observability/plot/record_breaker_story.py` (about 80 s) and
`python3 observability/plot/plot_breaker_story.py` to render the PNG from the CSV.

The story, on the wall clock (the app runs on its real clock):
  0-10 s   B healthy, GET / four times a second
  10 s     B fails every call (POST /b/chaos {"failureRate": 1.0}): serviceB's breaker opens, half-opens after
           its 10 s wait, the trial calls fail, it opens again
  32 s     B healed (POST /b/chaos {}): the next half-open trial calls succeed and close it
  48 s     B slow (POST /b/chaos {"latencyMillis": 2500}) with eight concurrent callers, each pausing 0.2 s
           between calls: the bulkhead (5 places) fills, the rest are rejected, the slow-call rate climbs (and at
           100%, the default slow-call-rate-threshold, opens the breaker)
  62 s     B healed; healthy traffic until 80 s
Writes two CSVs: the samples (one row per scrape) and the breaker's state transitions as the app recorded them
(GET /actuator/resilienceevents), both in seconds since the start. Only the standard library: nothing to
install for this half.
"""
import argparse
import csv
import datetime
import json
import re
import threading
import time
import urllib.error
import urllib.request

SAMPLE_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
STATES = ["CLOSED", "HALF_OPEN", "OPEN", "FORCED_OPEN", "DISABLED"]


def http(base, path, body=None, timeout=10.0):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read().decode()
    except (urllib.error.URLError, TimeoutError) as failure:
        return "error: %s" % failure


def scrape(base):
    """{(metric, frozenset(labels.items())): value} for every resilience_* sample."""
    samples = {}
    for line in http(base, "/actuator/prometheus").splitlines():
        if not line.startswith("resilience_"):
            continue
        match = SAMPLE_LINE.match(line)
        if match:
            labels = frozenset(LABEL.findall(match.group(3) or ""))
            samples[(match.group(1), labels)] = float(match.group(4))
    return samples


def value(samples, metric, **labels):
    wanted = set(labels.items())
    for (name, have), v in samples.items():
        if name == metric and wanted <= set(have):
            return v
    return float("nan")


class Traffic:
    """Worker threads calling GET / in a loop, each pausing `pause` seconds between calls, until stopped."""

    def __init__(self, base, workers, pause):
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(base, pause), daemon=True) for _ in range(workers)]
        for thread in self.threads:
            thread.start()

    def run(self, base, pause):
        while not self.stop.is_set():
            http(base, "/")
            self.stop.wait(pause)

    def end(self):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://localhost:8080")
    parser.add_argument("--out", default="observability/plot/sample-breaker-story.csv")
    parser.add_argument("--transitions", default="observability/plot/sample-breaker-story-transitions.csv")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between scrapes")
    args = parser.parse_args()

    base = args.base
    http(base, "/b/chaos", {})
    # (start second, phase label, chaos body or None, concurrent callers, pause between a caller's calls)
    script = [
        (0, "B healthy", {}, 1, 0.25),
        (10, "B failing", {"failureRate": 1.0}, 1, 0.25),
        (32, "B healed", {}, 1, 0.25),
        (48, "B slow 2.5 s (8 callers)", {"latencyMillis": 2500}, 8, 0.2),
        (62, "B healed", {}, 1, 0.25),
    ]
    end = 80
    rows = []
    start = time.monotonic()
    wall_start = time.time()
    traffic = None
    step = 0
    phase = ""
    while True:
        now = time.monotonic() - start
        if now >= end:
            break
        if step < len(script) and now >= script[step][0]:
            _, phase, chaos, workers, pause = script[step]
            if traffic:
                # Slow callers finish their call before stopping: join in the background, start the next
                # phase's callers at once.
                threading.Thread(target=traffic.end, daemon=True).start()
            http(base, "/b/chaos", chaos)
            traffic = Traffic(base, workers, pause)
            step += 1
        samples = scrape(base)
        state = next((s for s in STATES
                      if value(samples, "resilience_circuitbreaker_state", name="serviceB", state=s) == 1.0), "")
        rows.append({
            "seconds": round(time.monotonic() - start, 2),
            "phase": phase,
            "state": state,
            "failure_rate_percent": value(samples, "resilience_circuitbreaker_failure_rate_percent", name="serviceB"),
            "slow_call_rate_percent": value(samples, "resilience_circuitbreaker_slow_call_rate_percent",
                                            name="serviceB"),
            "bulkhead_active_calls": value(samples, "resilience_bulkhead_active_calls", name="serviceB"),
            "bulkhead_available_permits": value(samples, "resilience_bulkhead_available_permits", name="serviceB"),
            "bulkhead_rejected_calls_total": value(samples, "resilience_bulkhead_rejected_calls_total",
                                                   name="serviceB"),
            "calls_successful_total": value(samples, "resilience_circuitbreaker_calls_total", name="serviceB",
                                            kind="successful"),
            "calls_failed_total": value(samples, "resilience_circuitbreaker_calls_total", name="serviceB",
                                        kind="failed"),
            "calls_not_permitted_total": value(samples, "resilience_circuitbreaker_calls_total", name="serviceB",
                                               kind="not_permitted"),
        })
        time.sleep(max(0.0, args.interval - (time.monotonic() - start - now)))
    if traffic:
        traffic.end()
    http(base, "/b/chaos", {})
    with open(args.out, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    print("%d samples over %.0f s -> %s" % (len(rows), rows[-1]["seconds"], args.out))

    events = json.loads(http(base, "/actuator/resilienceevents?name=serviceB&policy=circuitbreaker"))["events"]
    transitions = []
    for event in events:
        if event["type"] != "STATE_TRANSITION":
            continue
        at = datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp() - wall_start
        if 0 <= at <= end:
            transitions.append({"seconds": round(at, 3), "transition": event["detail"], "reason": event["reason"]})
    transitions.sort(key=lambda t: t["seconds"])
    with open(args.transitions, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["seconds", "transition", "reason"])
        writer.writeheader()
        writer.writerows(transitions)
    print("%d state transitions -> %s" % (len(transitions), args.transitions))


if __name__ == "__main__":
    main()
