"""Cầu Nối benchmark, run by hand: `make bench` (or `.venv/bin/python bench/run.py --scale 3`).

1. Builds a scratch SQLite database (a temp file unless --db is given), migrates it and loads
   `manage.py demo_data --scale N`, each in a child process, timing it and reading its peak RSS.
2. In this process, logs in as the demo users with Django's test Client (two-factor passed the
   way the root conftest does) and times the pages they use, the contact-logging POST, the
   report page and every export format, and the `report` command: several repetitions after
   one warm-up request, median and p95, SQL queries per request, repeated-query hot spots.
3. Prints a table and writes the run into bench/RESULTS.md (one section per scale; the
   hand-written findings at the top of the file are kept).

Nothing identifying is printed: only timings, counts and URL patterns (client ids are shown
as <uuid>).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from forms import FormReader, contact_form_data
from harness import (
    ROOT,
    fmt_s,
    logged_in,
    machine,
    mib,
    peak_rss_self,
    percentile,
    run_child,
    sqlite_env,
)
from measure import Result, expect, measure
from results import hot_spots, render_run, table, write_results

# Re-exported for the other benchmarks and their tests.
__all__ = ["ROOT", "FormReader", "fmt_s", "machine", "percentile", "run_child", "main"]

RESULTS = ROOT / "bench" / "RESULTS.md"
DEMO_PASSWORD = "CauNoi-demo-2026"


def demo_login(username: str) -> Any:
    """A test Client logged in as the demo user (its demo password checked)."""
    return logged_in(username, DEMO_PASSWORD)


def pick_client(username: str) -> Any:
    """A client of the peer's own group who agreed to follow-up, with the most contacts."""
    from django.db.models import Count

    from accounts.models import User
    from clients import queries as client_queries

    user = User.objects.get(username=username)
    candidates = (
        client_queries.clients_for(user)
        .annotate(n=Count("contacts", distinct=True))
        .order_by("-n", "pk")
    )
    for client in candidates[:50]:
        if client_queries.may_follow_up(client) and not client.is_erased:
            return client
    raise SystemExit(f"No client of {username} with follow-up consent in the demo data.")


def bench_pages(reps: int, clients: dict[str, Any], detail: str, contact_url: str) -> list[Result]:
    from django.urls import reverse

    peer, provider, coordinator = clients["dongdang"], clients["phongkham"], clients["dieuphoi"]
    prov, nat = clients["quanlytinh"], clients["quanlyquocgia"]
    report = reverse("reports:report")
    pages: list[tuple[str, str, Any, str]] = [
        ("Peer home", "dongdang", peer, "/"),
        ("Client list (peer)", "dongdang", peer, reverse("clients:list")),
        ("Client page (peer)", "dongdang", peer, detail),
        ("Contact form (GET)", "dongdang", peer, contact_url),
        ("Contact list (peer)", "dongdang", peer, reverse("outreach:contact_list")),
        ("Referral inbox (provider)", "phongkham", provider, reverse("referrals:inbox")),
        ("Coordinator home", "dieuphoi", coordinator, "/"),
        ("Client list (coordinator)", "dieuphoi", coordinator, reverse("clients:list")),
        ("Reports 2024, province 22", "quanlytinh", prov, f"{report}?period=2024&province=22"),
        ("Reports default (national)", "quanlyquocgia", nat, report),
        (
            "Reports 2022–2024 (national)",
            "quanlyquocgia",
            nat,
            f"{report}?period=2022-01-01..2024-12-31",
        ),
    ]
    results: list[Result] = []
    for name, who, http, url in pages:
        print(f"  {name} …", flush=True)
        results.append(measure(name, "page", who, url, partial(http.get, url), reps, expect(200)))

    return results


def bench_contact_post(reps: int, peer: Any, contact_url: str) -> Result:
    """Logging a contact: read the form as rendered (prefilled), tick a need, hand out two
    condoms, submit. A good POST redirects to the client page (302)."""
    data = contact_form_data(peer.get(contact_url).content.decode())
    fields = sorted(data)

    def post() -> Any:
        return peer.post(contact_url, data)

    def redirected(response: Any) -> str:
        if response.status_code != 302:
            text = response.content.decode(errors="replace")
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{0,120})', text)
            return f"HTTP {response.status_code}, form errors: {errors[:3]}"
        return ""

    print("  Log a contact (POST) …", flush=True)
    res = measure("Log a contact (POST)", "post", "dongdang", contact_url, post, reps, redirected)
    res.url += f" [{', '.join(fields)}]"
    return res


def bench_exports(export_reps: int, nat: Any, prov: Any) -> list[Result]:
    from django.urls import reverse

    results: list[Result] = []
    base = "period=2024"
    for fmt in ("xlsx", "csv", "pdf", "dhis2", "json"):
        url = reverse("reports:export", args=[fmt]) + f"?{base}"
        print(f"  Export {fmt} …", flush=True)
        results.append(
            measure(
                f"Export {fmt} 2024 (national)",
                "export",
                "quanlyquocgia",
                url,
                partial(nat.get, url),
                export_reps,
                expect(200),
            )
        )
    url = reverse("reports:export", args=["xlsx"]) + "?period=2024&province=22"
    results.append(
        measure(
            "Export xlsx 2024, province 22",
            "export",
            "quanlytinh",
            url,
            lambda: prov.get(url),
            export_reps,
            expect(200),
        )
    )
    return results


def bench_requests(reps: int, export_reps: int) -> list[Result]:
    from django.urls import reverse

    users = ("dongdang", "phongkham", "dieuphoi", "quanlytinh", "quanlyquocgia")
    clients = {username: demo_login(username) for username in users}
    client = pick_client("dongdang")
    detail = reverse("clients:detail", args=[client.public_id])
    contact_url = reverse("outreach:contact_new_for", args=[client.public_id])
    results = bench_pages(reps, clients, detail, contact_url)
    results.append(bench_contact_post(reps, clients["dongdang"], contact_url))
    results += bench_exports(export_reps, clients["quanlyquocgia"], clients["quanlytinh"])
    return results


def bench_command(reps: int, tmp: Path) -> list[Result]:
    from django.core.management import call_command

    out: list[Result] = []
    for fmt in ("json", "xlsx"):
        target = tmp / f"report.{fmt}"
        args = {"period": "2024", "format": fmt, "output": str(target)}
        label = f"manage.py report --period 2024 --format {fmt}"
        print(f"  {label} …", flush=True)
        res = measure(
            label,
            "command",
            "(system)",
            label,
            partial(call_command, "report", **args),
            reps,
        )
        res.size = target.stat().st_size if target.exists() else 0
        out.append(res)
    return out


# --- step 4: report ------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="demo_data --scale (default 1)")
    parser.add_argument(
        "--db",
        help="SQLite file to build (default: a temp file, removed afterwards). An existing "
        "file is rebuilt unless --reuse is given.",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use --db as it is (already migrated and loaded)"
    )
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions per page")
    parser.add_argument("--export-reps", type=int, default=3, help="repetitions per export")
    parser.add_argument("--results", default=str(RESULTS), help="markdown file to update")
    parser.add_argument("--json", help="also write the raw numbers to this JSON file")
    return parser.parse_args()


def use_scratch_database(db: Path, reuse: bool) -> dict[str, str]:
    """This process's environment switched to the scratch SQLite file (returned as well).
    Django's secret key and the master key live beside the scratch DB (created by keys_init
    after migrate). A reused DB made with the project's own keys (.local/) keeps those."""
    keys = db.parent / f"{db.name}.keys"
    if reuse and not keys.exists():
        keys = Path(os.environ.get("CAUNOI_LOCAL_DIR", ROOT / ".local"))
    env = sqlite_env(db, keys, CAUNOI_ALLOWED_HOSTS="testserver,127.0.0.1,localhost")
    os.environ.clear()
    os.environ.update(env)
    return env


def build_database(db: Path, scale: int, env: dict[str, str]) -> dict[str, Any]:
    """migrate, keys_init and demo_data in child processes, timed, with the demo data's own
    checks; the load figures."""
    load: dict[str, Any] = {"migrate_s": 0.0, "demo_s": 0.0, "migrate_rss": 0, "demo_rss": 0}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    print("migrate …", flush=True)
    load["migrate_s"], load["migrate_rss"], _out = run_child(["migrate", "-v0"], env)
    print(f"  {fmt_s(load['migrate_s'])}, peak RSS {mib(load['migrate_rss'])}")
    run_child(["keys_init"], env)  # keys are never created on use (core.keys)
    print(f"demo_data --scale {scale} …", flush=True)
    load["demo_s"], load["demo_rss"], out = run_child(["demo_data", "--scale", str(scale)], env)
    print(f"  {fmt_s(load['demo_s'])}, peak RSS {mib(load['demo_rss'])}")
    # The demo data's own checks (they were a test that took minutes of the suite):
    # no phone number in plaintext anywhere, and loading it again changes nothing.
    run_child(["scan_plaintext"], env)
    _s, _rss, again = run_child(["demo_data"], env)
    if "already loaded: nothing changed" not in again:
        raise SystemExit("demo_data run twice loaded something the second time")
    counts = [
        line.split(":", 1)[1].strip()
        for line in out.splitlines()
        if line.startswith(("clients:", "outreach:", "referrals:"))
    ]
    load["summary"] = "; ".join(counts) or "loaded"
    return load


def setup_django(db: Path) -> str:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    assert str(settings.DATABASES["default"]["NAME"]) == str(db), "not the scratch database"
    return django.get_version()


def raw_numbers(
    opts: argparse.Namespace,
    info: dict[str, str],
    load: dict[str, Any],
    bench_peak: int,
    results: list[Result],
) -> dict[str, Any]:
    return {
        "scale": opts.scale,
        "machine": info,
        "load": load,
        "bench_peak_rss": bench_peak,
        "results": [
            {
                "name": r.name,
                "who": r.who,
                "url": r.url,
                "times": r.times,
                "first": r.first,
                "queries": r.queries,
                "repeated": r.repeated,
                "error": r.error,
                "ok": r.ok,
            }
            for r in results
        ],
    }


def main() -> None:
    opts = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="caunoi-bench-"))
    db = Path(opts.db).resolve() if opts.db else tmp / "bench.sqlite3"
    env = use_scratch_database(db, opts.reuse)

    info = machine()
    print(
        f"Cầu Nối benchmark — scale {opts.scale}, {info['nproc']} CPUs, {info['ram']}, "
        f"Python {info['python']}, SQLite {info['sqlite']}"
    )
    print(f"Database: {db}")
    if opts.reuse:
        if not db.exists():
            raise SystemExit(f"--reuse: {db} does not exist")
        load: dict[str, Any] = {"migrate_s": 0.0, "demo_s": 0.0, "migrate_rss": 0, "demo_rss": 0}
        load["summary"] = "database reused, not rebuilt (load time not measured)"
    else:
        load = build_database(db, opts.scale, env)
    info["django"] = setup_django(db)

    print(f"Requests ({opts.reps} repetitions, exports {opts.export_reps}):")
    results = bench_requests(opts.reps, opts.export_reps)
    results += bench_command(opts.export_reps, tmp)
    bench_peak = peak_rss_self()

    print()
    for line in table(results):
        print(line)
    print(
        f"\nPeak RSS: migrate {mib(load['migrate_rss'])}, demo_data {mib(load['demo_rss'])}, "
        f"benchmark process {mib(bench_peak)}"
    )
    section = render_run(
        scale=opts.scale,
        reps=opts.reps,
        export_reps=opts.export_reps,
        info=info,
        load=load,
        results=results,
        bench_peak=bench_peak,
    )
    spots = hot_spots(results)
    if spots:
        print("\nRepeated query shapes:")
        print("\n".join(spots))
    write_results(Path(opts.results), opts.scale, section)
    print(f"\nWritten: {opts.results}")
    if opts.json:
        raw = raw_numbers(opts, info, load, bench_peak, results)
        Path(opts.json).write_text(json.dumps(raw, indent=2, ensure_ascii=False))
    shutil.rmtree(tmp, ignore_errors=True)  # the temp DB (when no --db) and report files


if __name__ == "__main__":
    main()
