#!/usr/bin/env python3
"""Renders observability/adaptive-bulkhead-simulation.png from the CSVs AdaptiveBulkheadSimulationTest wrote.

The simulation (resilience-core, dev.resilience.core.bulkhead.AdaptiveBulkheadSimulationTest) runs on the manual
clock and writes resilience-core/target/adaptive-bulkhead-simulation-C<capacity>.csv; copy them here, then:

    ./mvnw -o -q test -pl resilience-test,resilience-core -am -Dtest=AdaptiveBulkheadSimulationTest \
        -Dsurefire.failIfNoSpecifiedTests=false
    cp resilience-core/target/adaptive-bulkhead-simulation-C*.csv observability/plot/
    python3 observability/plot/plot_adaptive_bulkhead.py

Needs matplotlib. Nothing is drawn by hand: every point is a limit sampled every 100 ms of simulated time, or
the p99 latency of the calls that ended in that second.
"""
import argparse
import csv
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {
    "adaptive": {"label": "ours, adaptive (Vegas over windows)", "color": "#1f77b4", "lw": 1.8, "zorder": 3},
    "gradient2": {"label": "Netflix Gradient2 (defaults)", "color": "#ff7f0e", "lw": 1.0, "zorder": 2},
    "fixed-200": {"label": "fixed bulkhead, 200", "color": "#7f7f7f", "lw": 1.0, "zorder": 1},
}
UNLOADED_MS = 20.0


def read(path):
    series = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            s = series.setdefault(row["limiter"], {"t": [], "limit": [], "p99": []})
            s["t"].append(float(row["time_s"]))
            s["limit"].append(int(row["limit"]))
            p99 = float(row["p99_ms"])
            s["p99"].append(p99 if not math.isnan(p99) else math.nan)
    return series


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--capacities", default="50,100")
    parser.add_argument("--dir", default="observability/plot")
    parser.add_argument("--out", default="observability/adaptive-bulkhead-simulation.png")
    args = parser.parse_args()
    capacities = [int(c) for c in args.capacities.split(",")]

    fig, axes = plt.subplots(2, len(capacities), figsize=(6.5 * len(capacities), 7.5), sharex=True)
    for col, capacity in enumerate(capacities):
        series = read("%s/adaptive-bulkhead-simulation-C%d.csv" % (args.dir, capacity))
        top, bottom = axes[0][col], axes[1][col]
        top.axhspan(0.75 * capacity, 1.25 * capacity, color="#e5f5e0", label="C ± 25%")
        top.axhline(capacity, color="#2ca02c", lw=0.8, ls="--", label="capacity C = %d" % capacity)
        for name in ("fixed-200", "gradient2", "adaptive"):
            if name not in series:
                continue
            s, style = series[name], STYLE[name]
            top.plot(s["t"], s["limit"], color=style["color"], lw=style["lw"], zorder=style["zorder"],
                     label=style["label"], drawstyle="steps-post")
            # one p99 per second: plot each second once, at its start
            seconds = [(t, p) for t, p in zip(s["t"], s["p99"]) if abs(t - round(t)) < 1e-9]
            bottom.plot([t for t, _ in seconds], [p for _, p in seconds], color=style["color"], lw=style["lw"],
                        zorder=style["zorder"], label=style["label"], drawstyle="steps-post")
        bottom.axhline(2 * UNLOADED_MS, color="#d62728", lw=0.8, ls="--", label="2 × unloaded latency")
        bottom.axhline(1000, color="#7f7f7f", lw=0.6, ls=":", label="timeout (1 s)")
        bottom.set_yscale("log")
        top.set_ylim(0, 210)
        top.set_title("downstream capacity C = %d, 200 callers" % capacity)
        top.set_ylabel("concurrency limit")
        bottom.set_ylabel("p99 latency of admitted calls, ms (log)")
        bottom.set_xlabel("simulated time, s")
        top.grid(alpha=0.3)
        bottom.grid(alpha=0.3, which="both")
        if col == 0:
            top.legend(loc="upper right", fontsize=8)
            bottom.legend(loc="center right", fontsize=8)
    fig.suptitle("Adaptive bulkhead vs Gradient2 in the same simulation (manual clock; unloaded latency 20 ms, "
                 "exponential past C, 1 s timeout)", fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
