"""The benchmark's report: the results table, the repeated-query hot spots, and the
section of bench/RESULTS.md written for one scale."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import fmt_s, mib
from measure import RSS_MAX, Result


def table(results: list[Result]) -> list[str]:
    rows = [
        "| what | as | median | p95 | first | SQL | peak RSS so far | target | |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        targets = "; ".join(t for t, _p in r.targets())
        verdict = "PASS" if r.ok else "**FAIL**"
        if r.error:
            rows.append(
                f"| {r.name} | {r.who} | – | – | – | – | – | {targets} | **FAIL** {r.error} |"
            )
            continue
        rows.append(
            f"| {r.name} | {r.who} | {fmt_s(r.median)} | {fmt_s(r.p95)} | {fmt_s(r.first)} "
            f"| {r.queries} | {mib(r.rss_peak)} | {targets} | {verdict} |"
        )
    return rows


def hot_spots(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        worst = [(n, sql) for n, sql in r.repeated if n >= 5]
        if not worst:
            continue
        lines.append(f"- **{r.name}** (`{r.url}`): {r.queries} queries; repeated shapes:")
        for n, sql in worst:
            lines.append(f"  - ×{n}: `{sql[:220]}`")
    return lines


def render_run(
    *,
    scale: int,
    reps: int,
    export_reps: int,
    info: dict[str, str],
    load: dict[str, Any],
    results: list[Result],
    bench_peak: int,
) -> str:
    now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    rss_rows = [
        ("migrate (child process)", load["migrate_rss"]),
        (f"demo_data --scale {scale} (child process)", load["demo_rss"]),
        ("pages, exports, report command (this process)", bench_peak),
    ]
    failing = [r for r in results if not r.ok] + [
        _Fake(name) for name, rss in rss_rows if rss >= RSS_MAX
    ]
    out = [
        f"## Scale {scale} — {now}",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM; "
        f"Python {info['python']}, SQLite {info['sqlite']}, Django {info.get('django', '?')}; "
        f"{info['platform']}.",
        "",
        f"Demo data: `demo_data --scale {scale}` took **{fmt_s(load['demo_s'])}** "
        f"(migrate {fmt_s(load['migrate_s'])}); {load['summary']}.",
        "",
        f"Each row: one warm-up request (`first`), one request counting SQL queries, then "
        f"{reps} timed repetitions for pages ({export_reps} for exports and the command); "
        "p95 is nearest-rank, so with this few runs it is the slowest one. "
        "`peak RSS so far` is the benchmark process's peak after the row (it only grows).",
        "",
        *table(results),
        "",
        "| memory | peak RSS | target | |",
        "|---|---:|---|---|",
        *[
            f"| {label} | {mib(rss)} | < 1 GiB | {'PASS' if rss < RSS_MAX else '**FAIL**'} |"
            for label, rss in rss_rows
        ],
        "",
        f"**{len(failing)} failing target(s)**"
        + (": " + ", ".join(r.name for r in failing) if failing else "")
        + ".",
    ]
    spots = hot_spots(results)
    if spots:
        out += ["", "Repeated query shapes (≥ 5 of the same statement in one request):", "", *spots]
    return "\n".join(out) + "\n"


@dataclass
class _Fake:
    name: str


HEADER = """# Cầu Nối benchmark results

Written by `bench/run.py` (see bench/README.md). Each `## Scale N` section is replaced when
the benchmark runs again at that scale; the findings section is kept as written.
"""


def write_results(path: Path, scale: int, section: str) -> None:
    start, end = f"<!-- run:scale={scale}:start -->", f"<!-- run:scale={scale}:end -->"
    block = f"{start}\n{section}{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after.lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    # Keep the runs ordered by scale.
    runs = re.findall(r"(<!-- run:scale=(\d+):start -->.*?<!-- run:scale=\2:end -->\n)", text, re.S)
    if runs:
        head = text.split("<!-- run:scale=", 1)[0].rstrip("\n")
        tail = text.rsplit(":end -->\n", 1)[1].strip("\n")
        ordered = "\n".join(r for r, _s in sorted(runs, key=lambda r: int(r[1])))
        text = head + "\n\n" + ordered + ("\n" + tail + "\n" if tail else "")
    path.write_text(text, encoding="utf-8")
