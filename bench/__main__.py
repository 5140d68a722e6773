"""`python -m bench`: every benchmark, a table of ratios, and the results written to BENCHMARKS.md.

    python -m bench                  # full sizes (see bench/measure.py; BENCH_<SIZE>=… overrides)
    python -m bench --quick          # small sizes, seconds to a few minutes
    python -m bench --only rebuild,memory --profile rebuild
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import re
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench import append, http, lag, memory, rebuild, relay
from bench.measure import Config, Row, Servers, cleanup

BENCHMARKS = {"append": append.run, "http": http.run, "relay": relay.run, "rebuild": rebuild.run,
              "lag": lag.run, "memory": memory.run}
REPORT = Path("BENCHMARKS.md")


def fmt(value: float | None, unit: str = "") -> str:
    if value is None or math.isnan(value):
        return "—"
    text = f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def table(rows: list[Row]) -> str:
    lines = ["| # | case | ours | baseline | ratio | target | met | note |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        met = "—" if r.met is None else "yes" if r.met else "**no**"
        lines.append(f"| {r.bench} | {r.case} | {fmt(r.ours, r.unit)} | {fmt(r.baseline, r.unit)} | "
                     f"{'—' if r.ratio is None else f'{r.ratio:.2f}×'} | {r.target} | {met} | {r.note} |")
    return "\n".join(lines)


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({model}), load average {load:.1f} at the start, Python {platform.python_version()}"


def write_report(block: str, text: str) -> None:
    """Replace this mode's block of results in BENCHMARKS.md (the hand-written rest is kept)."""
    begin, end = f"<!-- results:{block}:begin -->", f"<!-- results:{block}:end -->"
    current = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    section = f"{begin}\n{text}\n{end}"
    if begin in current:
        current = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: section, current, flags=re.S)
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(current)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a fast pass")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    parser.add_argument("--profile", default="", help="run this benchmark once more under pyinstrument (rebuild)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    only = {name for name in args.only.split(",") if name}
    cfg = Config.make(args.quick, only)
    cfg.profile = args.profile
    mode, host = "quick" if args.quick else "full", machine()
    print(f"benchmarks ({mode}) on {host}", flush=True)
    started, state, rows = time.monotonic(), {"servers": Servers()}, []
    try:
        for name, bench in BENCHMARKS.items():
            if only and name not in only:
                continue
            print(f"{name}:", flush=True)
            t0 = time.monotonic()
            try:
                rows += bench(cfg, state)
            except Exception as exc:  # the others still run and are reported
                traceback.print_exc()
                rows.append(Row(f"{list(BENCHMARKS).index(name) + 1} {name}", f"failed: {exc}"[:200], math.nan, ""))
            print(f"  ({time.monotonic() - t0:.0f} s)", flush=True)
    finally:
        state["servers"].stop()
        cleanup()
    elapsed = time.monotonic() - started
    result = table(rows)
    print("\n" + result)
    if not args.no_write:
        command = "make bench" if not (args.quick or only) else "python -m bench " + " ".join(sys.argv[1:])
        write_report(mode + (("-" + "-".join(sorted(only))) if only else ""), "\n".join([
            f"**{mode} pass**, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {elapsed / 60:.1f} min, on {host}.",
            f"Reproduce: `{command}`. Sizes: {cfg.describe()}.", "", result]))
        print(f"\nwritten to {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
