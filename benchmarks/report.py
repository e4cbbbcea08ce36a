#!/usr/bin/env python3
"""Turns a JMH JSON result (run with -prof gc) into the comparison table of BENCHMARKS.md.

Usage: report.py RESULT.json [MORE.json ...]

Several results are merged: the forks of a benchmark in each file are taken together, as one run's (e.g. rounds
of a scenario run one after another, so that a busy machine's drifts fall on every method alike).

Each benchmark's figure is the median over forks of each fork's median iteration, for the time (ns/op) and
for the allocation (gc.alloc.rate.norm, B/op). "Overhead" is a scenario's time minus its baseline's (the
direct call; the unannotated bean for the Spring scenario; the two-thread direct call for the two-thread
scenarios). The ratio is our overhead over the best (smallest) peer overhead, and the verdict compares it
with the target of the scenario.
"""

import json
import math
import statistics
import sys

PKG = "dev.resilience.benchmarks."
ALLOC = "gc.alloc.rate.norm"
# Below this many bytes per call, JMH's allocation figure is measurement noise (TLAB sampling): 0 B/op.
ZERO_BYTES = 1.0

# id, scenario, benchmark class, baseline benchmark, overhead-ratio target (None: none set),
# whether ours must allocate nothing, peers' methods, one-thread class whose scaling is checked (or None).
# The peers' methods may name ours' method too, under "ours" (default: "ours").
SCENARIOS = [
    ("1", "Circuit breaker, closed, call succeeds", "CircuitBreakerClosed", "Baseline.direct", 0.25, True,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    ("2", "Circuit breaker, open: rejected call", "CircuitBreakerOpen", "Baseline.direct", 0.10, False,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    ("2b", "  same, Resilience4j without stack traces [a]", "CircuitBreakerOpen", "Baseline.direct", 0.10, False,
     {"r4j": "resilience4jNoStackTrace", "fs": "failsafe"}, None),
    ("3", "Retry, first attempt succeeds", "RetrySuccess", "Baseline.direct", 1.0, True,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    ("4", "Bulkhead (semaphore), free", "BulkheadFree", "Baseline.direct", 1.0, True,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    ("5", "Retry + breaker + bulkhead", "Composed", "Baseline.direct", 0.5, False,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    ("6", "Timeout, sync call in time [b]", "TimeoutInTime", "Baseline.direct", None, False,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    ("7", "Spring bean, @CircuitBreaker+@Retry+@Bulkhead [c]", "SpringProxy", "SpringProxy.plain", 0.5, False,
     {"r4j": "resilience4j"}, None),
    ("8a", "Circuit breaker, closed, 2 threads [d]", "CircuitBreakerClosedTwoThreads", "BaselineTwoThreads.direct",
     None, False, {"r4j": "resilience4j", "fs": "failsafe"}, "CircuitBreakerClosed"),
    ("8b", "Retry + breaker + bulkhead, 2 threads [d]", "ComposedTwoThreads", "BaselineTwoThreads.direct",
     None, False, {"r4j": "resilience4j", "fs": "failsafe"}, "Composed"),
    ("9", "Async: retry + breaker + timeout + bulkhead [e]", "AsyncComposed", "AsyncComposed.direct", 0.25, False,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    # B/op: at or below Resilience4j's, the general rule below (no ABSOLUTE limit).
    ("10", "Reactor Mono: retry + breaker + bulkhead [f]", "ReactorComposed", "ReactorComposed.direct", 0.5, False,
     {"r4j": "resilience4j"}, None),
    # Smooth: ours' default against Failsafe's smooth limiter; fixed window against its bursty one. Resilience4j's
    # AtomicRateLimiter (fixed-window only) is the peer in both.
    ("12a", "Rate limiter, permitted call (smooth) [g]", "RateLimiterPermitted", "Baseline.direct", 0.5, True,
     {"r4j": "resilience4j", "fs": "failsafe"}, None),
    ("12a-fw", "  same, fixed window [g]", "RateLimiterPermitted", "Baseline.direct", 0.5, True,
     {"ours": "oursFixedWindow", "r4j": "resilience4j", "fs": "failsafeBursty"}, None),
    ("12b", "Rate limiter, permitted call, 2 threads [d][g]", "RateLimiterPermittedTwoThreads",
     "BaselineTwoThreads.direct", None, True, {"r4j": "resilience4j", "fs": "failsafe"}, "RateLimiterPermitted"),
    ("12b-fw", "  same, fixed window, 2 threads [d][g]", "RateLimiterPermittedTwoThreads",
     "BaselineTwoThreads.direct", None, True,
     {"ours": "oursFixedWindow", "r4j": "resilience4j", "fs": "failsafeBursty"}, "RateLimiterPermitted"),
    # A real request over loopback: the target is only that ours adds less than Resilience4j (ratio <= 1).
    ("11", "RestClient GET, loopback: retry+breaker+timeout+bulkhead [h]", "RestClientLoopback",
     "RestClientLoopback.plain", 1.0, False, {"r4j": "resilience4j"}, None),
    ("11b", "  same, ours without its timeout (as R4j's side) [h]", "RestClientLoopback",
     "RestClientLoopback.plain", 1.0, False, {"ours": "oursNoTimeout", "r4j": "resilience4j"}, None),
    # The same clients on a request factory answering from memory: the libraries' cost without the network.
    ("11m", "  same clients, request answered in memory [h]", "RestClientInMemory", "RestClientInMemory.plain",
     1.0, False, {"r4j": "resilience4j"}, None),
    ("11mb", "  in memory, ours without its timeout [h]", "RestClientInMemory", "RestClientInMemory.plain",
     1.0, False, {"ours": "oursNoTimeout", "r4j": "resilience4j"}, None),
]
# Scenarios whose call is long and noisy next to the overheads compared (a real HTTP request), and their
# in-memory companions: the report also prints each overhead with the 99.9 % interval of the means, and whether
# the difference between ours and the peer is larger than their combined intervals.
NOISY = ["11", "11b", "11m", "11mb"]
# Where ours runs inside Spring's intercepting request and the peer outside it: the pass-through interceptor
# whose cost ours pays before any policy of its own (each mean shown beside ours' own part).
FLOOR = {"11": "RestClientLoopback.interceptorFloor", "11b": "RestClientLoopback.interceptorFloor",
         "11m": "RestClientInMemory.interceptorFloor", "11mb": "RestClientInMemory.interceptorFloor"}
# No allocation verdict: in 11 the figure counts every thread's allocation (the server's, the HTTP client's
# selector thread's) and moves by kilobytes between iterations; and in every 11 row only ours pays Spring's
# intercepting request (the floor of 11, beside the baselines). The bytes are shown; BENCHMARKS.md discusses them.
NO_ALLOCATION_TARGET = {"11", "11b", "11m", "11mb"}
SCALING_TARGET = 1.5
# Limits on ours alone, in absolute terms over the scenario's baseline: nanoseconds of overhead, bytes allocated
# per call beyond the baseline's.
ABSOLUTE = {
    # Spring's own floor is in the table too (SpringProxy.springFloor): a pass-through interceptor.
    "7": {"ns": 40.0, "bytes": 100.0},
    # Beyond the call's own future (in the baseline), only the returned future, which is ours' execution
    # object (48 bytes with compressed oops).
    "9": {"bytes": 48.0},
}


# Scenario 13, ours only (no peer injects faults): a pipeline with a switched-off chaos stage against the same
# pipeline without one; the difference must stay within this many nanoseconds (a volatile read), with no bytes.
CHAOS_OFF = ("13", "Chaos present but switched off [g]", "ChaosDisabled.chaosOff", "ChaosDisabled.noChaos", 1.0)


def chaos_off_table(results):
    """Scenario 13's table lines and its missed targets; nothing when it was not run."""
    sid, label, with_name, without_name, limit = CHAOS_OFF
    with_chaos, without = results.get(with_name), results.get(without_name)
    if not with_chaos or not without or with_chaos["ns"] is None or without["ns"] is None:
        return [], []
    difference = with_chaos["ns"] - without["ns"]
    time_verdict = "MET" if difference <= limit else "MISSED"
    alloc_verdict = "—"
    if with_chaos["bytes"] is not None and without["bytes"] is not None:
        alloc_verdict = "MET" if with_chaos["bytes"] <= without["bytes"] + ZERO_BYTES else "MISSED (bytes added)"
    header = ["#", "scenario", "chaos off", "no chaos (same pipeline)", "difference", "target", "time", "B/op"]
    row = [sid, label, cell(with_chaos), cell(without), f"{difference:+.1f} ns", f"≤ {limit:g} ns", time_verdict,
           alloc_verdict]
    widths = [max(len(header[i]), len(row[i])) for i in range(len(header))]
    lines = ["| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |" for values in (header, row)]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["", "[g] The pipeline of 1 (a closed breaker) with a Chaos stage switched off (enabled=false), against",
              "    the same pipeline without one; no peer injects faults. Direct call: the baselines above."]
    missed = [f"{sid} time"] if time_verdict == "MISSED" else []
    if alloc_verdict.startswith("MISSED"):
        missed.append(f"{sid} allocation")
    return lines, missed


def fork_median(raw):
    """Median over forks of each fork's median iteration; None without data."""
    forks = [statistics.median(iterations) for iterations in raw or [] if iterations]
    return statistics.median(forks) if forks else None


# Student's t quantile at 0.9995 (JMH's 99.9 % two-sided interval) by degrees of freedom; beyond the table the
# Cornish-Fisher expansion, within 0.001 of it there.
T_9995 = {1: 636.62, 2: 31.599, 3: 12.924, 4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041, 9: 4.781, 10: 4.587,
          11: 4.437, 12: 4.318, 13: 4.221, 14: 4.140, 15: 4.073, 16: 4.015, 17: 3.965, 18: 3.922, 19: 3.883,
          20: 3.850}


def t_9995(df):
    if df in T_9995:
        return T_9995[df]
    z = statistics.NormalDist().inv_cdf(0.9995)
    return (z + (z ** 3 + z) / 4 / df + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96 / df ** 2
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384 / df ** 3
            + (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160 / df ** 4)


def mean_and_error(raw):
    """Mean over all iterations of all forks and the half-width of its 99.9 % interval, as JMH computes its
    score and score error; the error is NaN with fewer than two iterations."""
    values = [v for iterations in raw or [] for v in iterations]
    if not values:
        return None, math.nan
    if len(values) < 2:
        return values[0], math.nan
    return statistics.fmean(values), t_9995(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))


def load(paths):
    raw_time, raw_bytes, info = {}, {}, {}
    for path in paths:
        with open(path) as f:
            runs = json.load(f)
        for run in runs:
            name = run["benchmark"]
            if name.startswith(PKG):
                name = name[len(PKG):]
            primary = run["primaryMetric"]
            alloc = run.get("secondaryMetrics", {}).get(ALLOC)
            raw_time.setdefault(name, []).extend(primary.get("rawData") or [])
            if alloc:
                raw_bytes.setdefault(name, []).extend(alloc.get("rawData") or [])
            info[name] = {"threads": run.get("threads", 1), "unit": primary.get("scoreUnit")}
    results = {}
    for name, raw in raw_time.items():
        mean, error = mean_and_error(raw)
        results[name] = {
            "ns": fork_median(raw),
            # Over all iterations of all forks: the mean and the half-width of its 99.9 % interval.
            "mean": mean,
            "error": error,
            "bytes": fork_median(raw_bytes.get(name)),
            "threads": info[name]["threads"],
            "forks": len(raw),
            "iterations": max((len(i) for i in raw), default=0),
            "unit": info[name]["unit"],
            "measured": sum(len(i) for i in raw),
        }
    return results


def fmt_ns(ns):
    if ns is None:
        return "—"
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"


def fmt_bytes(b):
    if b is None:
        return "?"
    return "0" if b < ZERO_BYTES else f"{b:,.0f}"


def cell(result, scaling=None):
    if result is None or result["ns"] is None:
        return "—"
    text = f"{fmt_ns(result['ns'])} ns · {fmt_bytes(result['bytes'])} B"
    if scaling is not None:
        text += f" · ×{scaling:.2f}"
    return text


def scaling_of(results, one_thread_class, two_thread_class, method):
    """Throughput with 2 threads over throughput with 1: (2 / t2) / (1 / t1)."""
    one = results.get(f"{one_thread_class}.{method}")
    two = results.get(f"{two_thread_class}.{method}")
    if not one or not two or not one["ns"] or not two["ns"]:
        return None
    return two["threads"] * one["ns"] / two["ns"]


def resolution(results, sid):
    """For a NOISY scenario: ("less" | "more" | "unresolved" | None, a line of text), from the means and JMH's
    99.9 % intervals of ours and of the peer: whether ours adds less or more than the peer beyond the noise."""
    row = next((r for r in SCENARIOS if r[0] == sid), None)
    if row is None:
        return None
    _, _, cls, baseline_name, _, _, peers, _ = row
    base = results.get(baseline_name)
    ours = results.get(f"{cls}.{peers.get('ours', 'ours')}")
    peer = results.get(f"{cls}.{peers['r4j']}")
    if not base or not ours or not peer:
        return None
    errors = [r.get("error") for r in (base, ours, peer)]
    if any(e is None or e != e for e in errors):  # NaN: too few iterations for an interval
        return None, f"{sid}: too few iterations for JMH's error intervals"
    e_base, e_ours, e_peer = errors
    # Means here, as JMH's intervals are of the means (the table shows medians).
    ours_over = ours["mean"] - base["mean"]
    peer_over = peer["mean"] - base["mean"]
    diff = ours["mean"] - peer["mean"]
    e_diff = (e_ours ** 2 + e_peer ** 2) ** 0.5
    state = "less" if diff + e_diff < 0 else "more" if diff - e_diff > 0 else "unresolved"
    verdict = {"less": "resolved: ours adds less", "more": "resolved: ours adds more",
               "unresolved": "NOT resolved by this run (within noise)"}[state]
    text = (f"{sid}: over the baseline's mean ({fmt_ns(base['mean'])} ± {fmt_ns(e_base)} ns) ours adds "
            f"{ours_over:,.0f} ns, R4j {peer_over:,.0f} ns;\n      ours − R4j = {diff:,.0f} ± {e_diff:,.0f} ns (99.9 % "
            f"intervals of {fmt_ns(e_ours)} and {fmt_ns(e_peer)} ns combined): {verdict}")
    floor = results.get(FLOOR.get(sid, ""))
    if floor and floor.get("error") == floor.get("error"):
        text += (f";\n      of ours', Spring's pass-through interceptor {floor['mean'] - base['mean']:,.0f} ns and ours "
                 f"over it {ours['mean'] - floor['mean']:,.0f} ± {(e_ours ** 2 + floor['error'] ** 2) ** 0.5:,.0f} ns")
    return state, text


def main(paths):
    results = load(paths)
    if not results:
        print("no results in " + ", ".join(paths))
        return 1

    forks = max(r["forks"] for r in results.values())
    iterations = max(r["iterations"] for r in results.values())
    print(f"Median over {forks} fork(s) of each fork's median of {iterations} iteration(s); "
          "time per call per thread, and bytes allocated per call (-prof gc).")
    print()

    baselines = [
        ("direct call", "Baseline.direct"),
        ("direct call, 2 threads", "BaselineTwoThreads.direct"),
        ("unannotated Spring bean", "SpringProxy.plain"),
        ("supplyAsync hand-off alone [b]", "TimeoutInTime.asyncHandOff"),
        ("Spring's pass-through interceptor (floor of 7)", "SpringProxy.springFloor"),
        ("async call, completed future", "AsyncComposed.direct"),
        ("undecorated Mono.fromSupplier, subscribed", "ReactorComposed.direct"),
        ("plain RestClient GET over loopback", "RestClientLoopback.plain"),
        ("same with Spring's pass-through interceptor (floor of 11)", "RestClientLoopback.interceptorFloor"),
        ("plain RestClient GET answered in memory", "RestClientInMemory.plain"),
        ("same with the pass-through interceptor (floor of 11m)", "RestClientInMemory.interceptorFloor"),
    ]
    diagnostics = sorted(name for name in results if name.startswith("diagnostics."))
    if diagnostics:
        print("Building blocks: " + "; ".join(
            f"{name.split('.')[-1]} {fmt_ns(results[name]['ns'])} ns" for name in diagnostics))
    shown = [f"{label} {cell(results.get(name))}" for label, name in baselines if name in results]
    if shown:
        print("Baselines: " + "; ".join(shown))
    base_scaling = scaling_of(results, "Baseline", "BaselineTwoThreads", "direct")
    if base_scaling is not None:
        print(f"The direct call itself scales ×{base_scaling:.2f} from 1 to 2 threads on this machine "
              "(×2 would be 2 idle cores): no scenario can scale better than that.")
    if shown or base_scaling is not None:
        print()

    if base_scaling is not None and base_scaling < SCALING_TARGET:
        print(f"The 2-thread target (×{SCALING_TARGET:g}) cannot be shown here: 8a/8b/12b say how ours scales "
              "relative to the direct call.")
        print()

    noisy = {sid: r for sid in NOISY if (r := resolution(results, sid)) is not None}

    header = ["#", "scenario", "ours", "Resilience4j", "Failsafe", "overhead ours/best peer", "target", "time",
              "B/op"]
    rows = []
    missed = []
    for sid, label, cls, baseline_name, target, zero_alloc, peers, one_thread in SCENARIOS:
        ours_method = peers.get("ours", "ours")
        peers = {key: method for key, method in peers.items() if key != "ours"}
        ours = results.get(f"{cls}.{ours_method}")
        peer_results = {key: results.get(f"{cls}.{method}") for key, method in peers.items()}
        if ours is None and not any(peer_results.values()):
            continue
        scalings = {}
        if one_thread:
            scalings["ours"] = scaling_of(results, one_thread, cls, ours_method)
            for key, method in peers.items():
                scalings[key] = scaling_of(results, one_thread, cls, method)

        baseline = results.get(baseline_name)
        base_ns = baseline["ns"] if baseline else None

        def overhead(r):
            if r is None or r["ns"] is None or base_ns is None:
                return None
            return max(0.0, r["ns"] - base_ns)

        ours_over = overhead(ours)
        peer_over = {k: overhead(r) for k, r in peer_results.items() if overhead(r) is not None}
        ratio_text, time_verdict = "—", "—"
        if ours_over is not None and peer_over:
            best_key = min(peer_over, key=peer_over.get)
            best = peer_over[best_key]
            who = "R4j" if best_key == "r4j" else "Failsafe"
            if best > 0:
                ratio = ours_over / best
                ratio_text = f"{ratio:.2f} (vs {who})"
                if target is not None:
                    time_verdict = "MET" if ratio <= target else "MISSED"
            else:
                ratio_text = f"n/a ({who} ≈ baseline)"
                if target is not None:
                    # A peer that adds nothing measurable: ours meets a ratio target only by adding nothing too.
                    time_verdict = "MET" if ours_over <= 0 else "MISSED"

        target_text = f"≤ {target:g}" if target is not None else "—"
        if one_thread:
            target_text = f"2-thread throughput ≥ {SCALING_TARGET:g}× 1-thread"
            s = scalings.get("ours")
            if s is None:
                time_verdict = "—"
            elif s >= SCALING_TARGET:
                time_verdict = "MET"
            elif base_scaling is not None and base_scaling < SCALING_TARGET:
                # The machine cannot show the target: the bare call does not scale that far either.
                time_verdict = f"NOT MEASURABLE (×{s / base_scaling:.2f} vs direct)"
            else:
                time_verdict = "MISSED"

        alloc_verdict = "—"
        if ours is not None and ours["bytes"] is not None and sid not in NO_ALLOCATION_TARGET:
            peer_bytes = [r["bytes"] for r in peer_results.values() if r and r["bytes"] is not None]
            ok = True
            reasons = []
            if zero_alloc and ours["bytes"] >= ZERO_BYTES:
                ok = False
                reasons.append("not 0")
            if peer_bytes and ours["bytes"] > min(peer_bytes) + ZERO_BYTES:
                ok = False
                reasons.append("> best peer")
            limits = ABSOLUTE.get(sid, {})
            base_bytes = baseline["bytes"] if baseline and baseline["bytes"] is not None else 0.0
            if "bytes" in limits and ours["bytes"] - base_bytes > limits["bytes"] + ZERO_BYTES:
                ok = False
                reasons.append(f"> {limits['bytes']:g} B over baseline")
            alloc_verdict = "MET" if ok else "MISSED (" + ", ".join(reasons) + ")"
        limits = ABSOLUTE.get(sid, {})
        if "ns" in limits:
            target_text += f"; ≤ {limits['ns']:g} ns"
            if ours_over is not None and ours_over > limits["ns"]:
                time_verdict = "MISSED"
        if "bytes" in limits:
            target_text += f"; ≤ {limits['bytes']:g} B"

        if ours is None:
            # Peers ran but ours has no figure: it failed (e.g. a set-up or tear-down check) or was not selected.
            time_verdict = "NO RESULT"
            missed.append(f"{sid}: no result for ours (failed or not run, see the JMH log)")
        if sid in noisy and time_verdict in ("MET", "MISSED"):
            # The medians decide; say when the intervals cannot tell ours from the peer.
            state = noisy[sid][0]
            if state == "unresolved":
                time_verdict += " (within noise)"
            elif state is None:
                time_verdict += " (no interval)"

        if time_verdict.startswith("MISSED") or time_verdict.startswith("NOT MEASURABLE"):
            missed.append(f"{sid} time" + (" (not measurable here)" if time_verdict.startswith("NOT") else
                                            " (within noise)" if time_verdict.endswith("(within noise)") else ""))
        if alloc_verdict.startswith("MISSED"):
            missed.append(f"{sid} allocation")

        rows.append([
            sid, label,
            cell(ours, scalings.get("ours")),
            cell(peer_results.get("r4j"), scalings.get("r4j")),
            cell(peer_results.get("fs"), scalings.get("fs")) if "fs" in peers else "n/a",
            ratio_text, target_text, time_verdict, alloc_verdict,
        ])

    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]

    def line(values):
        return "| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths)) + " |"

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print()
    print("[a] Resilience4j fills a stack trace for every rejection by default (writableStackTraceEnabled=true);")
    print("    ours does not (writableStackTrace=false), nor does 2b's Resilience4j. Failsafe always fills one.")
    print("[b] Resilience4j has no synchronous timeout: its column is TimeLimiter over CompletableFuture.supplyAsync,")
    print("    a thread hand-off included (the hand-off alone is in the baselines). No target is set for 6.")
    print("[c] Each library in its own Spring Boot context, the other's auto-configuration excluded; baseline is")
    print("    the unannotated bean. Failsafe has no Spring integration.")
    print("[d] One shared instance, 2 threads; time per call per thread; ×N = throughput with 2 threads over")
    print("    throughput with 1 (2 · t1 / t2). Overhead measured from the 2-thread direct call.")
    print("[e] A CompletionStage call (an already completed future), the outcome waited for: ours executeAsync,")
    print("    Resilience4j's decorateCompletionStage decorators with TimeLimiter on a scheduler, Failsafe's")
    print("    getStageAsync. B/op target: nothing beyond the returned future (ours is the execution object).")
    print("[f] A Mono.fromSupplier over the call, decorated once, subscribed once per call with one reusable")
    print("    subscriber: ours ResilienceOperator.mono, Resilience4j's Reactor operators by transformDeferred")
    print("    (retry outermost). Baseline: the undecorated Mono subscribed the same way. No Failsafe Reactor support.")
    print("[g] 1,000,000,000 permits per second, no waiting: every measured call permitted (set-up and tear-down check it).")
    print("    Ours through a pipeline with only the limiter; Resilience4j's decorateSupplier (AtomicRateLimiter,")
    print("    fixed-window only, the peer in both rows); Failsafe.with(limiter): smooth, or bursty for fixed window.")
    print("[h] A RestClient GET to a JDK HttpServer on 127.0.0.1 (200, 2-byte body, keep-alive), JDK request factory;")
    print("    11m/11mb: the same clients on a request factory answering from memory. Ours is the interceptor Boot")
    print("    adds (client chosen by host), R4j the plain call through Decorators (bulkhead, breaker, retry")
    print("    outermost). R4j has no synchronous timeout: its side has none; 11b/11mb are ours without one too.")
    print("    Baseline: the plain client. B/op counts every thread (in 11: the server's, the HTTP client's).")
    print()
    observation_cost(results)
    chaos_lines, chaos_missed = chaos_off_table(results)
    if chaos_lines:
        print("\n".join(chaos_lines))
        print()
        missed += chaos_missed
    hedge_lines, hedge_missed = hedge_table(results)
    if hedge_lines:
        print("\n".join(hedge_lines))
        print()
        missed += hedge_missed
    adaptive_lines, adaptive_missed = adaptive_table(results)
    if adaptive_lines:
        print("\n".join(adaptive_lines))
        print()
        missed += adaptive_missed
    noisy_lines = [noisy[sid][1] for sid in NOISY if sid in noisy]
    if noisy_lines:
        print("Means and the 99.9 % interval of each mean (as JMH computes its score error: over all iterations of "
              "all forks):")
        for text in noisy_lines:
            print("  " + text)
        print()
    print("Targets missed: " + (", ".join(missed) if missed else "none"))
    # A benchmark with fewer measured iterations than the others failed part-way (e.g. a set-up or tear-down
    # check): its figure covers only the iterations before the failure. The JMH log says why.
    expected = max(r["forks"] * r["iterations"] for r in results.values())
    incomplete = [f"{name} ({r['measured']} of {expected} iterations)" for name, r in sorted(results.items())
                  if r["measured"] < expected]
    if incomplete:
        print("Incomplete (failed part-way, see the JMH log): " + ", ".join(incomplete))
    return 0


# Scenario 15, ours only (no Java peer hedges a synchronous call): a call through a hedge that returns before
# the delay, against the direct call in the same class; its overhead must stay within this many nanoseconds.
HEDGE = ("15", "HedgeBeforeDelay.direct", [("fixed 100 ms delay", "HedgeBeforeDelay.oursFixedDelay"),
                                           ("p95 delay (latency recorded)", "HedgeBeforeDelay.oursPercentileDelay")],
         100.0)


def hedge_table(results):
    """Scenario 15's table lines and its missed targets; nothing when it was not run."""
    sid, direct_name, variants, limit = HEDGE
    direct = results.get(direct_name)
    if not direct or direct["ns"] is None:
        return [], []
    header = ["#", "scenario", "ours", "direct call", "overhead", "target", "time"]
    rows, missed = [], []
    for label, name in variants:
        r = results.get(name)
        if not r or r["ns"] is None:
            continue
        overhead = r["ns"] - direct["ns"]
        verdict = "MET" if overhead <= limit else "MISSED"
        if verdict == "MISSED":
            missed.append(f"{sid} {label}")
        rows.append([sid, "Hedge, call returns before the delay: " + label, cell(r), cell(direct),
                     f"{overhead:+.1f} ns", f"≤ {limit:g} ns", verdict])
    if not rows:
        return [], []
    widths = [max(len(x[i]) for x in [header] + rows) for i in range(len(header))]
    lines = ["| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |" for values in [header] + rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines, missed


# Scenario 4-adaptive, ours only: the same pipeline with a free bulkhead, fixed against adaptive; the adaptive
# one's overhead over the direct call must stay within this multiple of the fixed one's.
ADAPTIVE = ("4-adaptive", "Baseline.direct", "AdaptiveBulkheadFree.fixed", "AdaptiveBulkheadFree.adaptive", 2.0)


def adaptive_table(results):
    """Scenario 4-adaptive's table lines and its missed targets; nothing when it was not run."""
    sid, direct_name, fixed_name, adaptive_name, ratio = ADAPTIVE
    direct, fixed, adaptive = (results.get(n) for n in (direct_name, fixed_name, adaptive_name))
    if not all(r and r["ns"] is not None for r in (direct, fixed, adaptive)):
        return [], []
    fixed_over = max(0.0, fixed["ns"] - direct["ns"])
    adaptive_over = max(0.0, adaptive["ns"] - direct["ns"])
    measured = adaptive_over / fixed_over if fixed_over > 0 else math.inf
    verdict = "MET" if measured <= ratio else "MISSED"
    header = ["#", "scenario", "fixed", "adaptive", "direct call", "overheads", "adaptive/fixed", "target", "time"]
    row = [sid, "Bulkhead with places free, fixed vs adaptive", cell(fixed), cell(adaptive), cell(direct),
           f"{fixed_over:.1f} / {adaptive_over:.1f} ns", f"{measured:.2f}", f"≤ {ratio:g}", verdict]
    widths = [max(len(x[i]) for x in [header, row]) for i in range(len(header))]
    lines = ["| " + " | ".join(v.ljust(w) for v, w in zip(values, widths)) + " |" for values in [header, row]]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines, ([f"{sid} time"] if verdict == "MISSED" else [])


def observation_cost(results):
    """Scenario 14: scenario 7's call with an ObservationRegistry (no target; printed when it was run)."""
    without = results.get("SpringProxy.ours")
    variants = [("no ObservationRegistry (7's ours)", without),
                ("registry, no-op handler", results.get("SpringProxyObserved.noopHandler")),
                ("registry, Micrometer meter handler", results.get("SpringProxyObserved.meterHandler"))]
    if not any(r for _, r in variants[1:]):
        return
    print("14: Spring bean of 7, each call a resilience.call observation [g]")
    for label, r in variants:
        extra = ""
        if r is not None and without is not None and r is not without and r["ns"] is not None:
            extra = f" (+{fmt_ns(r['ns'] - without['ns'])} ns, +{fmt_bytes(r['bytes'] - without['bytes'])} B)"
        print(f"  {label}: {cell(r)}{extra}")
    print("[g] The same bean and context as 7, with an ObservationRegistry bean: a handler that does nothing, or")
    print("    DefaultMeterObservationHandler on a SimpleMeterRegistry (the resilience.call timer). Without a")
    print("    registry the interceptor takes 7's path unchanged.")
    print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
