"""The cost of disclosure control: the same report built with and without the cell key
method (reports/perturbation.py), on the demo data, run by hand:

    .venv/bin/python bench/protection.py                  # scale 1, a temp database
    .venv/bin/python bench/protection.py --db /tmp/b.sqlite3 --reuse

For each report (a province's year, the nation's default period, a commune, a provider,
a province over three years) it builds the report `--reps` times with the manager's
scope and `suppress=False`, then `suppress=True`, alternating so that load on the
shared machine falls on both alike; it prints the medians and their ratio, and writes
bench/PROTECTION.md. The protected build counts, in the same SQL queries, one record-key
sum beside each measure (the SQL part of the overhead) and then looks every people cell
up in the perturbation table (the Python part, timed on its own)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from harness import fmt_s, machine, run_child, sqlite_env  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--db", help="SQLite file (default: a temp file)")
    parser.add_argument("--reuse", action="store_true", help="use --db as it is")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--results", default=str(ROOT / "bench" / "PROTECTION.md"))
    return parser.parse_args()


def prepare_database(db: Path, scale: int, reuse: bool) -> None:
    """This process switched to the scratch SQLite file, built unless reused; Django set up."""
    env = sqlite_env(db, db.parent / f"{db.name}.keys")
    os.environ.clear()
    os.environ.update(env)
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print("migrate …", flush=True)
        run_child(["migrate", "-v0"], env)
        run_child(["keys_init"], env)  # keys are never created on use (core.keys)
        print(f"demo_data --scale {scale} …", flush=True)
        run_child(["demo_data", "--scale", str(scale)], env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    assert str(settings.DATABASES["default"]["NAME"]) == str(db), "not the scratch database"


def report_cases() -> list[tuple[str, Any, dict[str, Any]]]:
    """The reports measured: (name, (scope kind, ids), report filters)."""
    from geo.models import Commune
    from programs.models import Organisation
    from reports.periods import default_period, parse_period

    commune = Commune.objects.filter(province_id="22").order_by("code").first()
    provider = Organisation.objects.filter(kind="provider", province_id="22").first()
    province = frozenset({"22"})
    cases: list[tuple[str, Any, dict[str, Any]]] = [
        ("province 22, 2024", ("provinces", province), {"period": parse_period("2024")}),
        ("nation, default period", ("nation", frozenset()), {"period": default_period()}),
        (
            "province 22, 2022–2024",
            ("provinces", province),
            {"period": parse_period("2022-01-01..2024-12-31")},
        ),
    ]
    if commune is not None:
        cases.append(
            (
                "a commune of 22, 2024",
                ("provinces", province),
                {"period": parse_period("2024"), "commune_code": commune.pk},
            )
        )
    if provider is not None:
        cases.append(
            (
                "a provider of 22, 2024",
                ("provinces", province),
                {"period": parse_period("2024"), "provider_id": provider.pk},
            )
        )
    return cases


def time_lookups() -> list[float]:
    """The Python part: time spent in the perturbation table lookups, added up in the
    returned one-item list (reset it before a build)."""
    from reports import report as report_module

    lookup_time = [0.0]
    original = report_module._publish

    def timed_publish(cell: Any) -> None:
        start = time.perf_counter()
        original(cell)
        lookup_time[0] += time.perf_counter() - start

    report_module._publish = timed_publish  # type: ignore[assignment]
    return lookup_time


def measure_case(
    kind: str, ids: Any, filters: dict[str, Any], reps: int, lookup_time: list[float]
) -> tuple[float, float, float, float, float]:
    """Medians of wall and CPU time without and with protection, and of the lookups."""
    from reports.context import ReportContext, ReportScope
    from reports.report import build_report

    times: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    lookups = []
    for rep in range(reps + 1):
        for protect in (False, True):
            ctx = ReportContext(scope=ReportScope(kind, ids, suppress=protect), **filters)
            lookup_time[0] = 0.0
            start, start_cpu = time.perf_counter(), time.process_time()
            build_report(ctx)
            elapsed = time.perf_counter() - start
            if rep:  # the first round warms the caches
                times[protect].append(elapsed)
                # CPU time of this process (Python and SQLite, which runs in it):
                # much less disturbed than wall time by the other users' load.
                cpu[protect].append(time.process_time() - start_cpu)
                if protect:
                    lookups.append(lookup_time[0])
    plain, protected = statistics.median(times[False]), statistics.median(times[True])
    plain_cpu, protected_cpu = statistics.median(cpu[False]), statistics.median(cpu[True])
    return plain, protected, plain_cpu, protected_cpu, statistics.median(lookups)


def render(opts: argparse.Namespace, rows: list[Any], load_before: tuple[float, ...]) -> str:
    info = machine()
    load = ", ".join(f"{x:.1f}" for x in (*load_before, *os.getloadavg()))
    lines = [
        "# Protection overhead (cell key method)",
        "",
        "Written by `bench/protection.py`. The same report, full breakdowns, built with the",
        "manager's scope without and with disclosure control; medians of "
        f"{opts.reps} alternating runs.",
        "",
        f"{dt.date.today().isoformat()} · demo data scale {opts.scale} · {info['nproc']} CPUs, "
        f"{info['ram']} · Python {info['python']} · SQLite {info['sqlite']}",
        "",
        f"Load average (1, 5, 15 min) before and after the runs: {load} (`uptime`).",
        "",
        "Wall time depends on the other users of the shared machine; CPU time (Python and",
        "SQLite, both in this process) much less: read the CPU ratio.",
        "",
        "| report | wall without | wall with | ratio | CPU without | CPU with | CPU ratio "
        "| table lookups |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {n} | {fmt_s(a)} | {fmt_s(b)} | {b / a:.2f} | {fmt_s(c)} | {fmt_s(d)} "
            f"| {d / c:.2f} | {fmt_s(e)} |"
            for n, a, b, c, d, e in rows
        ],
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    opts = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="caunoi-protection-"))
    db = Path(opts.db).resolve() if opts.db else tmp / "bench.sqlite3"
    prepare_database(db, opts.scale, opts.reuse)
    cases = report_cases()
    lookup_time = time_lookups()

    load_before = os.getloadavg()
    rows = []
    for name, (kind, ids), filters in cases:
        plain, protected, plain_cpu, protected_cpu, lookups = measure_case(
            kind, ids, filters, opts.reps, lookup_time
        )
        rows.append((name, plain, protected, plain_cpu, protected_cpu, lookups))
        print(
            f"{name:26} wall {fmt_s(plain):>8} → {fmt_s(protected):>8} "
            f"({protected / plain:.2f})  cpu {fmt_s(plain_cpu):>8} → {fmt_s(protected_cpu):>8} "
            f"({protected_cpu / plain_cpu:.2f})  table {fmt_s(lookups)}",
            flush=True,
        )
    Path(opts.results).write_text(render(opts, rows, load_before))
    print(f"Written: {opts.results}")


if __name__ == "__main__":
    main()
