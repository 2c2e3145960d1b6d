"""PostgreSQL settings against a generated database: JIT, work_mem, persistent connections.

    .venv/bin/python bench/scale/tuning.py --database-url postgres://postgres@127.0.0.1:5432/NAME

Runs bench/scale/run.py in child processes, one per variant, and writes a table into
bench/RESULTS.md ("## PostgreSQL tuning: N contacts"):

- the national annual report (`manage.py report`, json) and the SQL floor under each
  set of session settings, given to every connection through libpq's PGOPTIONS (so the
  server's postgresql.conf is left alone on a shared machine): the stock settings, jit=off,
  work_mem=64MB, and both;
- the scoped field pages with `CAUNOI_DB_CONN_MAX_AGE=0` (a new connection per request,
  the development default) and `=60` (the production default: one connection per gunicorn
  thread, reused).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from run import write_results  # bench/scale/run.py, beside this file

HERE = Path(__file__).resolve().parent
VARIANTS = [
    ("stock (jit=on, work_mem=4MB)", ""),
    ("jit=off", "-c jit=off"),
    ("work_mem=64MB", "-c work_mem=64MB"),
    ("jit=off, work_mem=64MB (deploy/postgresql/caunoi.conf)", "-c jit=off -c work_mem=64MB"),
]


def child(db_url: str, args: list[str], env_extra: dict[str, str]) -> dict[str, float]:
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    env = dict(os.environ, **env_extra)
    subprocess.run(
        [
            sys.executable,
            str(HERE / "run.py"),
            "--database-url",
            db_url,
            "--no-write",
            "--json",
            str(out),
            *args,
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    data = json.loads(out.read_text())
    out.unlink()
    return {r["name"]: r["median"] for r in data["rows"] if r["times"] and not r["error"]}


def markdown_table(
    corner: str, rows: list[tuple[str, dict[str, float]]], cell: Callable[[float], str]
) -> list[str]:
    """A markdown table of labelled rows, one column per key any row has (sorted); a
    missing value is a dash."""
    columns = sorted({k for _label, row in rows for k in row})
    lines = [f"| {corner} | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for label, row in rows:
        cells = [cell(row[c]) if c in row else "—" for c in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--period", default="2025")
    parser.add_argument("--field-reps", type=int, default=20)
    opts = parser.parse_args()
    dbname = urllib.parse.urlparse(opts.database_url).path.lstrip("/")
    manifest = json.loads(Path(f"/tmp/caunoi-scale/{dbname}/scale.json").read_text())
    load_before = os.getloadavg()
    report_args = [
        "--only",
        "floor,reports",
        "--skip-page",
        "--scopes",
        "national",
        "--breakdowns",
        "none",
        "--exports",
        "none",
        "--period",
        opts.period,
    ]
    table: list[tuple[str, dict[str, float]]] = []
    for label, pgoptions in VARIANTS:
        print(f"{label} …", flush=True)
        table.append((label, child(opts.database_url, report_args, {"PGOPTIONS": pgoptions})))
        print(f"  {table[-1][1]}", flush=True)
    field: list[tuple[str, dict[str, float]]] = []
    for age in ("0", "60"):
        print(f"CAUNOI_DB_CONN_MAX_AGE={age} …", flush=True)
        field.append(
            (
                age,
                child(
                    opts.database_url,
                    ["--only", "field", "--field-reps", str(opts.field_reps)],
                    {"CAUNOI_DB_CONN_MAX_AGE": age},
                ),
            )
        )
        print(f"  {field[-1][1]}", flush=True)
    load_after = os.getloadavg()
    lines = [
        f"## PostgreSQL tuning: {manifest['contacts_requested']:,} contacts",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; load "
        f"average before {load_before[0]:.1f}, after {load_after[0]:.1f} (shared machine: "
        "differences under ~30 % are noise). Session settings through PGOPTIONS; one run each.",
        "",
        *markdown_table("settings", table, lambda seconds: f"{seconds:.2f} s"),
        "",
        *markdown_table("CAUNOI_DB_CONN_MAX_AGE", field, lambda s: f"{s * 1000:.0f} ms"),
    ]
    lines.append("")
    lines.append("(field pages: median of the run's requests, one at a time)")
    section = "\n".join(lines) + "\n"
    print(section)
    write_results(section, lines[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
