"""Summarises ci/compare's raw runs.

    report.py table RAW.tsv [RATE [KIND]]   Markdown tables on stdout (RATE > 0: paced run)
    report.py chart RAW.tsv OUT.png [MODE [KIND]]  bar chart of the paired ratios (needs matplotlib)

KIND is the workload: echo (the default), http, http-pipeline, websocket or
cpu-echo. RAW.tsv has one line per run: system conns rep rtps p50_us p99_us
cpu_s roundtrips errors loadgen_cpu_s other_cpu_s window_s status (for HTTP,
rtps is requests/s and roundtrips the requests, for WebSocket messages;
cpu_s / roundtrips is CPU per request). Each cell of the table is the median
over the runs that succeeded (leaving out disturbed ones, see DISTURBED_PCT).
Ratios are paired: within each round (the rep column) a system's value is
divided by the base system's (greenhub-epoll; greenhub-epoll-2hubs for
cpu-echo) from the same round (one window per system, so the two ran within a
minute of each other) and the table shows the median of those per-round
ratios. This machine's speed drops by 20% and more in episodes of seconds to
minutes; pairing cancels what a ratio of two medians would keep.
"""
import csv
import statistics
import sys

BASE = "greenhub-epoll"
BASES = {"cpu-echo": "greenhub-epoll-2hubs"}  # the system the "vs" columns divide by, per workload
UNITS = {"echo": "round trip", "cpu-echo": "round trip", "http": "request", "http-pipeline": "request",
         "websocket": "message"}
DISTURBED_PCT = 25  # a run in whose window other processes used this % of a core or more is "disturbed"
ORDER = ["greenhub-epoll", "greenhub-epoll-nodetect", "greenhub-epoll-bytes", "greenhub-nio", "greenhub-epoll-2hubs",
         "netty-epoll", "netty-nio", "netty-epoll-2loops", "vthreads", "helidon-1", "helidon", "nginx", "eventlet", "gevent",
         "c-epoll"]
# Each workload's comparisons, greenhub's value over the other system's (median of per-round
# ratios): (greenhub system, other system, throughput target, CPU target). A throughput target t
# is met at a ratio >= t, a CPU target t when greenhub's CPU per request is at most 1/t of the other's.
PAIRS = {
    "echo": [("greenhub-epoll", "greenhub-epoll-nodetect", None, None),  # the blocking detector's cost
             ("greenhub-epoll-2hubs", "greenhub-epoll", None, None),
             ("greenhub-epoll-2hubs", "netty-epoll-2loops", None, None)],
    "http": [("greenhub-epoll", "netty-epoll", None, None), ("greenhub-epoll", "helidon-1", None, None),
             ("greenhub-epoll", "helidon", None, None), ("greenhub-epoll", "nginx", None, None),
             ("greenhub-nio", "netty-nio", None, None)],
    "websocket": [("greenhub-epoll", "netty-epoll", 1.0, 1.0), ("greenhub-epoll", "helidon-1", 1.2, None),
                  ("greenhub-epoll", "helidon", None, None)],
    "cpu-echo": [("greenhub-epoll-2hubs", "greenhub-epoll", 1.7, None),
                 ("greenhub-epoll-2hubs", "netty-epoll-2loops", 1.0, None),
                 ("greenhub-epoll-2hubs", "vthreads", 1.0, None)],
}
PAIRS["http-pipeline"] = PAIRS["http"]


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    systems = []
    for r in rows:
        if r["system"] not in systems:
            systems.append(r["system"])
    systems.sort(key=lambda s: ORDER.index(s) if s in ORDER else len(ORDER))
    conns = sorted({int(r["conns"]) for r in rows})
    return rows, systems, conns


def other_pct(r):
    """CPU other processes used during the run's window, in % of one core (None if unknown)."""
    try:
        o, w = float(r.get("other_cpu_s") or -1), float(r.get("window_s") or 0)
    except ValueError:
        return None
    return 100 * o / w if o >= 0 and w > 0 else None


def summarise(rows, systems, conns):
    """{(system, conns): dict(rtps, p99, cpu_per_m, ok, runs, errors)}"""
    out = {}
    for s in systems:
        for c in conns:
            runs = [r for r in rows if r["system"] == s and int(r["conns"]) == c]
            ok = [r for r in runs if r["status"] == "ok"]
            clean = [r for r in ok if (other_pct(r) or 0) < DISTURBED_PCT]
            disturbed = len(ok) - len(clean)
            if clean:
                ok = clean  # leave disturbed runs out of the medians when there are undisturbed ones
            else:
                disturbed = 0
            cell = {"runs": len(runs), "ok": len(ok) + disturbed, "disturbed": disturbed, "rtps": None, "p99": None, "cpu_per_m": None,
                    "errors": sum(int(r["errors"] or 0) for r in ok),
                    "others": max((p for p in map(other_pct, ok) if p is not None), default=None),
                    "failures": sorted({r["status"] for r in runs if r["status"] != "ok"})}
            if ok:
                cell["rtps"] = statistics.median(float(r["rtps"]) for r in ok)
                p99 = [float(r["p99_us"]) for r in ok if r["p99_us"]]  # wrk's can be missing (pipelined)
                cell["p99"] = statistics.median(p99) if p99 else None
                per_m = [float(r["cpu_s"]) / (int(r["roundtrips"]) / 1e6)
                         for r in ok if float(r["cpu_s"]) >= 0 and int(r["roundtrips"]) > 0]
                cell["cpu_per_m"] = statistics.median(per_m) if per_m else None
            out[(s, c)] = cell
    return out


def metric(r, key):
    """A run's value of key (rtps, p99, cpu_per_m), or None."""
    try:
        if key == "rtps":
            return float(r["rtps"])
        if key == "p99":
            return float(r["p99_us"])
        cpu, rts = float(r["cpu_s"]), int(r["roundtrips"])
        return cpu / (rts / 1e6) if cpu >= 0 and rts > 0 else None
    except (TypeError, ValueError):
        return None


def usable(rows, s, c, disturbed=False):
    """{rep: run} of system s at c connections that succeeded and (unless disturbed) were not disturbed."""
    return {r["rep"]: r for r in rows if r["system"] == s and int(r["conns"]) == c and r["status"] == "ok"
            and (disturbed or (other_pct(r) or 0) < DISTURBED_PCT)}


def paired(rows, a, b, c, key):
    """Median over rounds of a's value / b's value in the same round; None without pairs.
    Rounds where either window was disturbed are left out, unless no round is left (as
    summarise does with the medians)."""
    for disturbed in (False, True):
        ra, rb = usable(rows, a, c, disturbed), usable(rows, b, c, disturbed)
        ratios = []
        for rep in ra.keys() & rb.keys():
            va, vb = metric(ra[rep], key), metric(rb[rep], key)
            if va is not None and vb:
                ratios.append(va / vb)
        if ratios:
            return statistics.median(ratios)
    return None


def ratio(f):
    return "–" if f is None else f"{f:.2f}x"


def num(v, fmt):
    return "–" if v is None else format(v, fmt)


def table(path, rate=0, kind="echo"):
    if kind != "echo":
        return systems_table(path, kind)
    rows, systems, conns = load(path)
    cells = summarise(rows, systems, conns)
    for c in conns:
        print(f"### {c} connections\n")
        print("| system | round trips/s | vs greenhub-epoll | p99 latency (µs) | vs greenhub-epoll "
              "| server CPU s per M round trips | vs greenhub-epoll | runs ok | errors | others' CPU |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in systems:
            x = cells[(s, c)]
            notes = list(x["failures"])
            if x["disturbed"]:
                notes.append(f"{x['disturbed']} disturbed, left out")
            note = "" if not notes else " (" + ", ".join(notes) + ")"
            print(f"| {s} | {num(x['rtps'], ',.0f')} | {ratio(paired(rows, s, BASE, c, 'rtps'))} "
                  f"| {num(x['p99'], ',.0f')} | {ratio(paired(rows, s, BASE, c, 'p99'))} "
                  f"| {num(x['cpu_per_m'], '.2f')} | {ratio(paired(rows, s, BASE, c, 'cpu_per_m'))} "
                  f"| {x['ok']}/{x['runs']}{note} | {x['errors']} | {num(x['others'], '.0f')}% |")
        print()
    print("Medians over the runs. Ratios are medians of per-round ratios: each system's value divided by "
          "greenhub-epoll's in the same round (one window per system; pairing cancels the machine's drift). "
          "Above 1.0x is more throughput, but more latency and more CPU per round trip (lower is better for those two). "
          "Others' CPU: the most CPU that processes other than the server and the load generator used "
          "during one of the system's measured windows, in % of one core; a run where they used "
          f"{DISTURBED_PCT}% or more is disturbed and left out of the medians when the system has undisturbed runs.\n")

    checks = [
        ("greenhub-epoll throughput >= 1.0x netty-epoll", BASE, "netty-epoll", "rtps", 1.0, True),
        ("greenhub-epoll CPU/round trip <= netty-epoll's (1.0x)", BASE, "netty-epoll", "cpu_per_m", 1.0, False),
        ("greenhub-epoll throughput >= 0.8x c-epoll", BASE, "c-epoll", "rtps", 0.8, True),
        ("greenhub-nio throughput >= 1.0x netty-nio", "greenhub-nio", "netty-nio", "rtps", 1.0, True),
    ]
    if rate > 0:  # every system carries the same paced load: only CPU per round trip tells them apart
        checks = [c for c in checks if c[3] != "rtps"]
    lines = []
    for name, a, b, key, target, higher in checks:
        for c in conns:
            # factor > target means met; for CPU, the factor is b/a (how much cheaper a is)
            factor = paired(rows, a, b, c, key) if higher else paired(rows, b, a, c, key)
            if factor is None:
                continue
            met = "met" if factor >= target else "NOT met"  # strict: 0.996x is not 1.0x
            lines.append(f"| {name} | {c} | {factor:.3f}x | {met} |")
    if lines:
        print("### Targets (issue 4)\n")
        print("| target | connections | greenhub's factor | |")
        print("|---|---:|---:|---|")
        print("\n".join(lines))
        print("\nFor CPU the factor is the other system's CPU per round trip divided by greenhub's "
              "(above 1.0x: greenhub spends less).\n")

    pair_table(rows, conns, "echo")
    every_run(rows)


def every_run(rows, unit="round trips", flagged=False):
    print("<details><summary>Every run</summary>\n")
    print(f"| system | conns | rep | {unit}/s | p50 µs | p99 µs | server CPU s | load generator CPU s "
          f"| others' CPU s | window s | {unit} | errors | status |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['system']} | {r['conns']} | {r['rep']} | {r['rtps']} | {r['p50_us']} | {r['p99_us']} "
              f"| {r['cpu_s']} | {r.get('loadgen_cpu_s', '')} | {r.get('other_cpu_s', '')} | {r.get('window_s', '')} "
              f"| {r['roundtrips']} | {r['errors']} | {r['status']}{flag(r) if flagged else ''} |")
    print("\n</details>")


def flag(r):
    """A mark for a run that succeeded but saw errors (for HTTP: socket errors or non-2xx/3xx answers)."""
    return " ⚠ errors" if r["status"] == "ok" and int(r["errors"] or 0) > 0 else ""


def systems_table(path, kind):
    """The HTTP, WebSocket and cpu-echo workloads: requests/s, p99 and server CPU per
    request per system, then greenhub's paired ratios to the others (PAIRS)."""
    rows, systems, conns = load(path)
    cells = summarise(rows, systems, conns)
    unit, base = UNITS[kind], BASES.get(kind, BASE)
    for c in conns:
        print(f"### {c} connections\n")
        print(f"| system | {unit}s/s | vs {base} | p99 latency (µs) | server CPU µs per {unit} "
              f"| vs {base} | runs ok | windows with errors | others' CPU |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in systems:
            x = cells[(s, c)]
            notes = list(x["failures"])
            if x["disturbed"]:
                notes.append(f"{x['disturbed']} disturbed, left out")
            note = "" if not notes else " (" + ", ".join(notes) + ")"
            errs = [r for r in rows if r["system"] == s and int(r["conns"]) == c and flag(r)]
            err = f"⚠ {len(errs)} ({sum(int(r['errors']) for r in errs):,} errors)" if errs else "0"
            print(f"| {s} | {num(x['rtps'], ',.0f')} | {ratio(paired(rows, s, base, c, 'rtps'))} "
                  f"| {num(x['p99'], ',.0f')} | {num(x['cpu_per_m'], '.2f')} "
                  f"| {ratio(paired(rows, s, base, c, 'cpu_per_m'))} "
                  f"| {x['ok']}/{x['runs']}{note} | {err} | {num(x['others'], '.0f')}% |")
        print()
    http = kind.startswith("http")
    errors = ("wrk counted socket errors (connect, read, write, timeout) or answers other than 2xx/3xx" if http
              else "the load generator lost connections (reset or closed early)")
    print(f"Medians over the windows; the ratios are medians of per-round ratios to {base} (pairing "
          f"cancels the machine's drift): above 1.0x is more {unit}s/s, but more CPU per {unit}. Windows "
          f"with errors: windows where {errors}; they stay in the medians. Others' CPU: the most CPU that "
          f"processes other than the server and {'wrk' if http else 'the load generator'} used during one of the "
          f"system's windows, in % of one core; a window where they used "
          f"{DISTURBED_PCT}% or more is disturbed and left out when the system has undisturbed ones.\n")
    if kind == "http-pipeline":
        print("No latency for pipelined runs: wrk 4.1's percentiles are wrong when several requests share a "
              "round trip (its coordinated-omission correction assumes one request per round trip).\n")
    pair_table(rows, conns, kind)
    every_run(rows, unit + "s", flagged=True)


def pair_table(rows, conns, kind):
    """greenhub's paired ratios to the other systems of PAIRS[kind] that ran, with their targets."""
    unit = UNITS[kind]
    lines = []
    for a, b, rtps_target, cpu_target in PAIRS[kind]:
        for c in conns:
            r, p, u = (paired(rows, a, b, c, k) for k in ("rtps", "p99", "cpu_per_m"))
            if r is None:
                continue
            goals = [f"{unit}s/s ≥ {rtps_target:.1f}x"] if rtps_target else []
            goals += [f"CPU ≤ {1 / cpu_target:.2f}x"] if cpu_target else []
            met = (rtps_target is None or r >= rtps_target) and (cpu_target is None or (u or 99) <= 1 / cpu_target)
            verdict = "" if not goals else ("met" if met else "NOT met")  # strict: 0.996x is not 1.0x
            lines.append(f"| {a} / {b} | {c} | {r:.3f}x | {ratio(p)} | {ratio(u)} | {', '.join(goals)} | {verdict} |")
    if lines:
        print("### greenhub's ratios\n")
        print(f"| greenhub / other | connections | {unit}s/s | p99 latency | CPU per {unit} | target | |")
        print("|---|---:|---:|---:|---:|---|---|")
        print("\n".join(lines))
        print(f"\nMedian over rounds of greenhub's value divided by the other system's in the same round: "
              f"above 1.0x is more {unit}s/s; below 1.0x is lower latency and less CPU per {unit}.\n")


def chart(path, png, mode="", kind="echo"):
    """Paired ratios to greenhub-epoll, the table's comparison: medians of absolute
    values come from different rounds, and on this machine's bimodal speed they can
    put two systems in the opposite order to their paired ratio."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, systems, conns = load(path)
    fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
    width = 0.8 / max(1, len(conns))
    colours = ["#4878d0", "#ee854a", "#6acc64", "#d65f5f"]
    unit, base = UNITS[kind], BASES.get(kind, BASE)
    panels = [("rtps", f"{unit.capitalize()}s per second vs {base} (higher is better)"),
              ("cpu_per_m", f"Server CPU per {unit} vs {base} (lower is better)")]
    for ax, (key, title) in zip(axes, panels):
        top = 0
        for i, c in enumerate(conns):
            xs = [j + (i - (len(conns) - 1) / 2) * width for j in range(len(systems))]
            vals = [paired(rows, s, base, c, key) or 0 for s in systems]
            top = max([top] + vals)
            bars = ax.bar(xs, vals, width, label=f"{c} connections", color=colours[i % len(colours)])
            for b, v in zip(bars, vals):
                if v:
                    ax.annotate(f"{v:.2f}", (b.get_x() + b.get_width() / 2, v), ha="center", va="bottom", fontsize=7)
        ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
        ax.set_xticks(range(len(systems)))
        ax.set_xticklabels(systems, rotation=30, ha="right")
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(f"x {base} (median of per-round ratios)")
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(0, top * 1.15 or 1)  # headroom: the legend sits above the bars
        ax.legend(fontsize=8, loc="upper right", ncol=len(conns))
    what = {"echo": "TCP echo, 64-byte request/response on 127.0.0.1",
            "http": "HTTP hello world, keep-alive GET / on 127.0.0.1, wrk -t1",
            "http-pipeline": "HTTP hello world, 16 pipelined GET / per write on 127.0.0.1, wrk -t1",
            "websocket": "WebSocket echo, 64-byte text messages on 127.0.0.1",
            "cpu-echo": "TCP echo with about 50 µs of SHA-256 per 64-byte request on 127.0.0.1"}[kind]
    scope = "two hubs, loops or carriers against one" if kind == "cpu-echo" else "one event loop per server where possible"
    fig.suptitle(what + (f", {mode}" if mode else "") + "; " + scope)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0, sys.argv[4] if len(sys.argv) > 4 else "echo")
    elif len(sys.argv) >= 4 and sys.argv[1] == "chart":
        chart(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "", sys.argv[5] if len(sys.argv) > 5 else "echo")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
