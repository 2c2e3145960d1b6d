"""The national-scale run's section of bench/RESULTS.md: the run's setting (machine,
server, load) and the table of its rows, and the raw rows in JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from timing import Row, load

RESULTS = Path(__file__).resolve().parent.parent / "RESULTS.md"


def pg_settings() -> dict[str, str]:
    from django.db import connection

    names = (
        "shared_buffers",
        "work_mem",
        "effective_cache_size",
        "jit",
        "max_parallel_workers_per_gather",
        "random_page_cost",
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s)",
            [list(names)],
        )
        return dict(cur.fetchall())


def fmt(seconds: float) -> str:
    if seconds != seconds:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def render(rows: list[Row], manifest: dict[str, Any], info: dict[str, Any], title: str) -> str:
    floors = {r.scope: r.median for r in rows if r.kind == "floor"}
    sizes = manifest["rows"]
    lines = [
        title,
        "",
        f"Run {info['date']} on {info['machine']}; PostgreSQL {info['pg_version']} "
        f"({', '.join(f'{k}={v}' for k, v in sorted(info['pg'].items()))}; "
        f"CONN_MAX_AGE={info['conn_max_age']}). Load before: `{info['load_before']}`; "
        f"after: `{info['load_after']}`. Database {manifest['database_size']}: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(sizes.items()))
        + f". Period {info['period']}; report repetitions {info['reps']}, field pages "
        f"{info['field_reps']} each, one at a time (test client, in process). "
        f"{info.get('note', '')}",
        "",
        "SQL floor: the headline figures written by hand over the raw tables (person-times and "
        "distinct persons per category and province, people reached and distinct clients "
        "contacted; `floor_sql` in bench/scale/run.py), median of 3. Every report row of a "
        "scope is divided by that scope's floor, breakdowns and exports included.",
        "",
        "| what | n | median | p95 | SQL floor | ratio | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        floor = floors.get(r.scope) if r.kind == "report" else None
        ratio = f"{r.median / floor:.1f}×" if floor and r.times else ""
        note = "; ".join(x for x in (r.note, r.error and f"**{r.error}**") if x)
        lines.append(
            f"| {r.name} | {len(r.times)} | {fmt(r.median)} | {fmt(r.p95)} | "
            f"{fmt(floor) if floor else ''} | {ratio} | {note} |"
        )
    return "\n".join(lines) + "\n"


def write_results(section: str, title: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(title)
    if start >= 0:
        nxt = text.find("\n## ", start + len(title))
        text = text[:start] + section + (text[nxt + 1 :] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def run_info(opts: argparse.Namespace, load_before: str) -> dict[str, Any]:
    """The machine, the server and its settings, the load before and after, for the
    section's header."""
    from django.conf import settings
    from django.db import connection

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1024**3:.0f} GiB",
        "pg_version": "{}.{}".format(
            *divmod(connection.cursor().connection.info.server_version, 10000)
        ),
        "pg": pg_settings(),
        "pgoptions": os.environ.get("PGOPTIONS", ""),
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "load_before": load_before,
        "load_after": load(),
        "period": opts.period,
        "reps": opts.reps,
        "field_reps": opts.field_reps,
        "note": opts.note,
    }


def write_json(path: str, info: dict[str, Any], rows: list[Row]) -> None:
    fields = ("name", "kind", "scope", "times", "median", "p95", "note", "error")
    Path(path).write_text(
        json.dumps(
            {"info": info, "rows": [{f: getattr(r, f) for f in fields} for r in rows]},
            indent=1,
        )
    )
