"""Where a report's time goes: every SQL statement of one `build_report`, timed.

    .venv/bin/python bench/scale/profile.py --database-url postgres://…/NAME [--area 01]
        [--period 2025] [--top 10] [--explain 3] [--raw]

Builds the report twice (the first warms the caches), prints the second run's total and
its slowest statements (time, source table, the first characters of the SQL), and with
--explain N the EXPLAIN (ANALYZE, BUFFERS) plan of the N slowest. --raw counts from the
raw rows (`reports.aggregated.raw_counts()`) for comparison. Prints no record content:
SQL text and timings only (parameters are not printed).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import load, setup_django  # noqa: E402


def _tables(sql: str) -> str:
    names = re.findall(r'FROM "([a-z_]+)"', sql)
    return names[0] if names else "?"


def timed_build(ctx_args: dict[str, Any], raw: bool) -> tuple[float, list[tuple[float, str, Any]]]:
    from contextlib import nullcontext

    from django.db import connection

    from reports import aggregated
    from reports.context import ReportContext
    from reports.periods import parse_period
    from reports.report import build_report

    statements: list[tuple[float, str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - start, sql, params))

    period = parse_period(ctx_args.pop("period"))
    ctx = ReportContext(period=period, **ctx_args)
    with aggregated.raw_counts() if raw else nullcontext():
        with connection.execute_wrapper(wrapper):
            start = time.perf_counter()
            build_report(ctx)
            total = time.perf_counter() - start
    return total, statements


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--keys-dir", type=Path)
    parser.add_argument("--project", type=Path, default=HERE.parent.parent)
    parser.add_argument("--period", default="2025")
    parser.add_argument("--area", default=None, help="province code")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--explain", type=int, default=0)
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--once", action="store_true", help="one run only (cold)")
    opts = parser.parse_args()
    name = opts.database_url.rsplit("/", 1)[-1]
    keys = opts.keys_dir or Path("/tmp/caunoi-scale") / name
    setup_django(opts.database_url, keys, opts.project)
    print(f"load before: {load()}")
    args = {"period": opts.period, "province_code": opts.area}
    runs = 1 if opts.once else 2
    for i in range(runs):
        total, statements = timed_build(dict(args), opts.raw)
        sql_time = sum(t for t, _, _ in statements)
        print(f"run {i + 1}: {total:.2f} s, {len(statements)} statements, SQL {sql_time:.2f} s")
    print(f"load after: {load()}")
    slowest = sorted(statements, key=lambda s: -s[0])[: opts.top]
    for t, sql, _ in slowest:
        print(f"{t:7.3f} s  {_tables(sql):32} {len(sql):6} chars  {sql[:160]}")
    if opts.explain:
        from django.db import connection

        for t, sql, params in slowest[: opts.explain]:
            with connection.cursor() as cur:
                cur.execute("SET jit = off")
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(r[0] for r in cur.fetchall())
            print(f"\n--- {t:.3f} s {_tables(sql)}\n{plan}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
