#!/usr/bin/env python3
"""The table of scripts/bench, from the figures it recorded (one JSON object per line).

  report.py report FIGURES RESULTS_DIR CERTIFICATES RUN_SECONDS QUICK ELAPSED_MS
      prints the table; writes RESULTS_DIR/bench-<time>.json and RESULTS_DIR/summary.md
  report.py peak FIGURES ENGINE
      prints the engine's verifications/s at 16 connections (the soak runs at half of it)

Each row: figure | measured | peer | ratio | goal | holds. The goals are issue 12's; a row without a goal is context.
"""
import datetime
import json
import os
import platform
import subprocess
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def find(figures, key, engine=None):
    for figure in figures:
        if figure["key"] == key and (engine is None or figure.get("engine") == engine):
            return figure
    return None


def number(value, decimals=0):
    return f"{value:,.{decimals}f}"


def errors(run):
    return run["non2xx"] + run["socketErrors"]


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, measured, peer=None, ratio=None, goal=None, holds=None):
        self.rows.append({
            "figure": figure,
            "measured": measured,
            "peer": peer or "–",
            "ratio": "–" if ratio is None else f"{ratio:.3f}",
            "goal": goal or "–",
            "holds": "–" if holds is None else ("yes" if holds else "no"),
        })

    def markdown(self):
        head = ["figure", "measured", "peer", "ratio", "goal", "holds"]
        lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
        lines += ["| " + " | ".join(row[h] for h in head) + " |" for row in self.rows]
        return "\n".join(lines)


def rate_text(run):
    return f"{number(run['rate'])}/s, p99 {number(run['p99'], 1)} ms, {errors(run)} errors"


def build(figures, certificates):
    t = Table()
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    for engine in ("sqlite", "postgres"):
        load_ = find(figures, "load", engine)
        if load_:
            g = load_["generator"]
            t.add(f"Load {number(g['certificates'])} certificates, {names[engine]}",
                  f"{number(g['loadSeconds'], 1)} s ({number(g['dueForReminder'])} due, {number(g['children'])} children, "
                  f"{number(g['guardians'])} guardians)")

    c1, c16, c64 = (find(figures, f"sqlite-c{c}") for c in (1, 16, 64))
    if c1:
        t.add("SQLite, verifications/s at 1 connection", rate_text(c1["run"]))
    if c16:
        r = c16["run"]
        t.add("SQLite, verifications/s at 16 connections", rate_text(r), goal="≥ 5,000/s", holds=r["rate"] >= 5000)
        t.add("SQLite, p99 at 16 connections", f"{number(r['p99'], 1)} ms", goal="≤ 20 ms", holds=r["p99"] <= 20)
        t.add("SQLite, errors at 16 connections", f"{errors(r)} of {number(r['requests'])}", goal="0", holds=errors(r) == 0)
    if c64 and c16:
        r = c64["run"]
        ratio = r["rate"] / c16["run"]["rate"] if c16["run"]["rate"] else 0
        t.add("SQLite, verifications/s at 64 connections", rate_text(r), f"{number(c16['run']['rate'])}/s at 16",
              ratio, "≥ 0.90 of 16", ratio >= 0.9)

    p16, pgb, half = find(figures, "postgres-c16"), find(figures, "pgbench-c16"), find(figures, "postgres-half")
    if p16 and pgb:
        r = p16["run"]
        ratio = r["rate"] / pgb["tps"] if pgb["tps"] else 0
        t.add("PostgreSQL, verifications/s at 16 connections", rate_text(r), f"pgbench {number(pgb['tps'])} TPS",
              ratio, "≥ 0.80 of pgbench", ratio >= 0.8)
    if half:
        r = half["run"]
        t.add("PostgreSQL, p99 at half the peak", f"{number(r['p99'], 1)} ms at {number(r['rate'])}/s, {errors(r)} errors",
              goal="≤ 10 ms", holds=r["p99"] <= 10)

    for engine in ("sqlite", "postgres"):
        scan = find(figures, "scan", engine)
        if scan:
            s = scan["scan"]
            t.add(f"Reminder scan over {number(certificates)}, {names[engine]}",
                  f"{number(s['seconds'], 2)} s, {number(s['queued'])} queued", goal="< 5 s", holds=s["seconds"] < 5)

    source = find(figures, "smtp-source")
    for engine in ("sqlite", "postgres"):
        dispatch = find(figures, "dispatch", engine)
        if dispatch:
            counts = dispatch["counts"]
            measured = f"{number(dispatch['rate'])} msg/s ({number(counts['sent'])} sent, {counts['failed']} failed)"
            if source and source["rate"]:
                ratio = dispatch["rate"] / source["rate"]
                t.add(f"Dispatch into smtp-sink, {names[engine]}", measured,
                      f"smtp-source {number(source['rate'])} msg/s", ratio, "≥ 0.80 of smtp-source", ratio >= 0.8)
            else:
                t.add(f"Dispatch into smtp-sink, {names[engine]}", measured)

    for engine in ("sqlite", "postgres"):
        start = find(figures, "start", engine)
        if start:
            t.add(f"Start to /health/ready, {names[engine]}", f"{number(start['ms'])} ms", goal="≤ 1,500 ms",
                  holds=start["ms"] <= 1500)
    for engine in ("sqlite", "postgres"):
        start = find(figures, "start", engine)
        if start:
            t.add(f"RSS idle, {names[engine]}", f"{number(start['rssIdleMb'])} MB", goal="≤ 150 MB",
                  holds=start["rssIdleMb"] <= 150)
    for engine in ("sqlite", "postgres"):
        after = find(figures, "rss-after", engine)
        if after:
            t.add(f"RSS after the load, {names[engine]}", f"{number(after['mb'])} MB", goal="≤ 300 MB", holds=after["mb"] <= 300)

    soak = find(figures, "soak")
    if soak:
        r, name = soak["run"], names[soak["engine"]]
        t.add(f"Soak {soak['duration']}, {name}, mixed traffic: errors",
              f"{errors(r)} of {number(r['requests'])} ({number(r['rate'])}/s, p99 {number(r['p99'], 1)} ms)",
              goal="0", holds=errors(r) == 0)
        ratio = soak["rssEndMb"] / soak["rssWarmMb"] if soak["rssWarmMb"] else 0
        t.add(f"Soak {soak['duration']}, {name}: RSS at the end", f"{number(soak['rssEndMb'])} MB",
              f"{number(soak['rssWarmMb'])} MB after warm-up", ratio, "≤ 1.10 of warm-up", ratio <= 1.10)
    return t


def machine():
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as f:
        ram_kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    with open("/proc/loadavg", encoding="utf-8") as f:
        load = " ".join(f.read().split()[:3])
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "ramGb": round(ram_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "loadAverageAtEnd": load,
    }


def commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, check=True).stdout.strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(figures_path, results_dir, certificates, run_seconds, quick, elapsed_ms):
    figures = load(figures_path)
    table = build(figures, int(certificates))
    now = datetime.datetime.now(datetime.timezone.utc)
    m = machine()
    settings = {"certificates": int(certificates), "runSeconds": int(run_seconds), "quick": quick == "1",
                "elapsedSeconds": round(int(elapsed_ms) / 1000), "commit": commit()}
    stamp = now.strftime("%Y%m%d-%H%M%S") + ("-quick" if settings["quick"] else "")
    with open(os.path.join(results_dir, f"bench-{stamp}.json"), "w", encoding="utf-8") as f:
        json.dump({"date": now.isoformat(timespec="seconds"), "machine": m, "settings": settings,
                   "table": table.rows, "figures": figures}, f, indent=2, ensure_ascii=False)
    kind = "quick run (--quick)" if settings["quick"] else "full run"
    summary = "\n".join([
        f"# scripts/bench, {kind}",
        "",
        f"{now:%Y-%m-%d %H:%M} UTC, commit {settings['commit']}; {m['cpus']} CPUs ({m['cpu']}), {m['ramGb']} GB RAM, "
        f"load average {m['loadAverageAtEnd']} at the end; {number(settings['certificates'])} certificates, "
        f"{settings['runSeconds']}-second load runs; the whole run took {number(settings['elapsedSeconds'])} s.",
        "",
        table.markdown(),
        "",
        "Load: wrk with Lua (tools/EgenvardRegistry.Bench/load), POST /api/verifications as the bench school unit, cycling "
        "over its children; errors are non-2xx answers and socket errors. The peer of PostgreSQL is pgbench -M prepared with "
        "the same work at the same concurrency, against the same server in the same run. \"Half the peak\" is a closed loop "
        "(16 connections, each pausing between requests), not a fixed-rate open loop: wrk2 is not in Debian. Dispatch is "
        "measured at the sink (its message counter, sampled every 0.1 s); its peer is smtp-source with the size of a reminder "
        "e-mail and the same number of sessions, into the same smtp-sink. PostgreSQL runs with fsync off, as in the tests.",
        "",
    ])
    with open(os.path.join(results_dir, "summary.md"), "w", encoding="utf-8") as f:
        f.write(summary)
    print(table.markdown())
    print(f"\nwritten: {results_dir}/bench-{stamp}.json, {results_dir}/summary.md")


def peak(figures_path, engine):
    run = find(load(figures_path), "sqlite-c16" if engine == "sqlite" else "postgres-c16")
    print(run["run"]["rate"] if run else 100)


if __name__ == "__main__":
    if sys.argv[1:2] == ["report"]:
        report(*sys.argv[2:8])
    elif sys.argv[1:2] == ["peak"]:
        peak(*sys.argv[2:4])
    else:
        sys.exit(__doc__)
