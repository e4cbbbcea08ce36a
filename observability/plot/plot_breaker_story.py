#!/usr/bin/env python3
"""Renders observability/sample-breaker-story.png from the CSVs record_breaker_story.py wrote.

Needs matplotlib (`pip install matplotlib`, or Debian's python3-matplotlib). Nothing here is drawn by hand:
every line comes from a scrape of the sample app's /actuator/prometheus, every marker from a state transition
the app recorded.
"""
import argparse
import csv
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STATE_LEVEL = {"CLOSED": 0, "HALF_OPEN": 1, "OPEN": 2, "FORCED_OPEN": 2, "DISABLED": 0}
STATE_COLOR = {0: "#2ca02c", 1: "#ff7f0e", 2: "#d62728"}
PHASE_COLOR = {"B healthy": "#ffffff", "B failing": "#fde0dd", "B healed": "#e5f5e0"}


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def rate_or_gap(text):
    """A rate gauge's value, or NaN (a gap) for -1 / NaN: fewer calls buffered than minimum-number-of-calls."""
    value = float(text)
    return value if value >= 0 else math.nan


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", default="observability/plot/sample-breaker-story.csv")
    parser.add_argument("--transitions", default="observability/plot/sample-breaker-story-transitions.csv")
    parser.add_argument("--out", default="observability/sample-breaker-story.png")
    args = parser.parse_args()

    rows = read(args.samples)
    transitions = read(args.transitions)
    t = [float(r["seconds"]) for r in rows]
    level = [STATE_LEVEL.get(r["state"], math.nan) for r in rows]
    failure = [rate_or_gap(r["failure_rate_percent"]) for r in rows]
    slow = [rate_or_gap(r["slow_call_rate_percent"]) for r in rows]
    active = [float(r["bulkhead_active_calls"]) for r in rows]
    available = [float(r["bulkhead_available_permits"]) for r in rows]
    rejected = [float(r["bulkhead_rejected_calls_total"]) for r in rows]
    rejected_rate = [0.0] + [max(0.0, (rejected[i] - rejected[i - 1]) / (t[i] - t[i - 1])) for i in range(1, len(t))]

    fig, (ax_state, ax_rate, ax_bulk) = plt.subplots(
        3, 1, figsize=(12, 8.5), sharex=True, gridspec_kw={"height_ratios": [1.1, 1.6, 1.6]})
    fig.suptitle("Sample app, breaker / bulkhead serviceB: real /actuator/prometheus scrapes every 0.5 s",
                 fontsize=13, fontweight="bold")

    # Phases of the driving script, shaded behind every panel and named on top.
    phases = []
    for i, r in enumerate(rows):
        if not phases or phases[-1][0] != r["phase"]:
            phases.append([r["phase"], t[i], t[i]])
        phases[-1][2] = t[min(i + 1, len(t) - 1)]
    for name, start, end in phases:
        color = PHASE_COLOR.get(name, "#fff2cc")
        for ax in (ax_state, ax_rate, ax_bulk):
            ax.axvspan(start, end, color=color, zorder=0, lw=0)
        ax_state.text((start + end) / 2, 2.75, name, ha="center", va="bottom", fontsize=9.5, style="italic")

    # 1. State: a step line, coloured by state, and the app's own transition events as ticks.
    ax_state.step(t, level, where="post", color="#444444", lw=1.2, zorder=2)
    for i in range(len(t) - 1):
        if not math.isnan(level[i]):
            ax_state.fill_between([t[i], t[i + 1]], 0, [level[i], level[i]], step="post",
                                  color=STATE_COLOR[level[i]], alpha=0.55, lw=0, zorder=1)
    for tr in transitions:
        x = float(tr["seconds"])
        ax_state.axvline(x, color="#555555", ls=":", lw=0.9, zorder=3)
    ax_state.set_yticks([0, 1, 2], ["CLOSED", "HALF_OPEN", "OPEN"])
    ax_state.set_ylim(-0.3, 3.2)
    ax_state.set_ylabel("state")
    ax_state.set_title("resilience_circuitbreaker_state{name=\"serviceB\"} == 1   (dotted: transitions the app "
                       "recorded; HALF_OPEN can last less than a scrape)", fontsize=9, loc="left")

    # 2. Rates.
    ax_rate.plot(t, failure, color="#d62728", lw=2, label="failure rate %")
    ax_rate.plot(t, slow, color="#9467bd", lw=2, ls="--", label="slow-call rate % (calls > 2 s)")
    ax_rate.axhline(50, color="#d62728", lw=0.8, ls=":")
    ax_rate.text(t[-1], 51, "failure-rate-threshold 50 ", ha="right", va="bottom", fontsize=8, color="#d62728")
    ax_rate.axhline(100, color="#9467bd", lw=0.8, ls=":")
    ax_rate.text(t[-1], 96, "slow-call-rate-threshold 100 ", ha="right", va="top", fontsize=8, color="#9467bd")
    ax_rate.set_ylim(-5, 112)
    ax_rate.set_ylabel("percent")
    ax_rate.set_title("resilience_circuitbreaker_failure_rate_percent, ..._slow_call_rate_percent   "
                      "(gaps: -1, fewer than 5 calls in the window)", fontsize=9, loc="left")
    ax_rate.legend(loc="upper left", bbox_to_anchor=(0.76, 0.78), fontsize=9, framealpha=0.9)

    # 3. Bulkhead.
    ax_bulk.fill_between(t, 0, active, step="post", color="#1f77b4", alpha=0.45, lw=0)
    ax_bulk.step(t, active, where="post", color="#1f77b4", lw=1.5, label="active calls")
    # Active + available is the bulkhead's size (5), but the two gauges are read one after the other: a call
    # entering or leaving in between makes their sum 4 or 6 for one scrape. Drawn apart, as scraped.
    ax_bulk.step(t, available, where="post", color="#2ca02c", lw=1.5, ls="--", label="available permits")
    ax_bulk.axhline(5, color="#333333", lw=0.8, ls=":")
    ax_bulk.text(t[0] + 0.5, 5.1, "max-concurrent-calls 5", fontsize=8, color="#333333")
    ax_bulk.set_ylim(0, 8)
    ax_bulk.set_ylabel("calls")
    ax_bulk.set_xlabel("seconds since start")
    ax_rej = ax_bulk.twinx()
    ax_rej.plot(t, rejected_rate, color="#ff7f0e", lw=1.3, label="rejected calls / s (right axis)")
    ax_rej.set_ylabel("rejected / s", color="#ff7f0e")
    ax_rej.tick_params(axis="y", colors="#ff7f0e")
    ax_rej.set_ylim(0, max(max(rejected_rate) * 1.25, 1))
    ax_bulk.set_title("resilience_bulkhead_active_calls, ..._available_permits, "
                      "rate(resilience_bulkhead_rejected_calls_total)", fontsize=9, loc="left")
    handles = ax_bulk.get_legend_handles_labels()[0] + ax_rej.get_legend_handles_labels()[0]
    ax_bulk.legend(handles, [h.get_label() for h in handles], loc="upper right", fontsize=9, framealpha=0.9)
    ax_bulk.set_xlim(t[0], t[-1])

    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(args.out, dpi=110)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
