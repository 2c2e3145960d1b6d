"""Field pages one at a time: queries, SQL time and total time per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --repeat 20 --explain     # EXPLAIN ANALYZE the slowest

Runs against an existing database (demo data, or the scale generator's) through Django's
test client, signed in as the demo users: peer home, client list, a client page, the
contact form, the provider's referral inbox, the coordinator's home and client list. For
each page: the number of queries, the median and p95 of the request time, the median time
spent in SQL and the median CPU time of this process (Python: views, forms, templates;
less sensitive than wall time to a loaded machine). With --explain, the slowest statement
of each page is shown with EXPLAIN (ANALYZE, BUFFERS). Nothing identifying is printed:
route names, counts, timings and plans (no statement text; the session's statement is never
explained, its key being a credential).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CAUNOI_REQUEST_LOG", "0")
os.environ.setdefault("CAUNOI_LOG_LEVEL", "WARNING")


def _client_for(username: str) -> Any:
    from django.test import Client as HttpClient
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    http = HttpClient(HTTP_X_FORWARDED_PROTO="https")
    http.force_login(user)
    if user.needs_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
            TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        )
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user, http


REPORT_PAGES = [
    ("report page (national)", "quanlyquocgia", "/reports/"),
    ("report page (province)", "quanlytinh", "/reports/?period=2024&province=22"),
]


def pages(
    peer_name: str = "dongdang", provider: str = "phongkham", coordinator: str = "dieuphoi"
) -> list[tuple[str, str, str]]:
    """(name, username, url) of every field page timed."""
    from accounts.models import User
    from clients import queries as client_queries

    peer = User.objects.get(username=peer_name)
    client = next(
        c
        for c in client_queries.clients_for(peer).order_by("pk")[:200]
        if client_queries.may_follow_up(c) and not c.is_erased
    )
    return [
        ("peer home", peer_name, "/"),
        ("client list (peer)", peer_name, "/clients/"),
        ("client page (peer)", peer_name, f"/clients/{client.public_id}/"),
        ("contact form (GET)", peer_name, f"/outreach/contacts/new/{client.public_id}/"),
        ("referral inbox (provider)", provider, "/referrals/inbox/"),
        ("provider home", provider, "/"),
        ("coordinator home", coordinator, "/"),
        ("client list (coordinator)", coordinator, "/clients/"),
    ]


def measure(http: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http.get(url)  # warm: templates compiled, caches filled, as in a running worker
    totals, cpus, sqls, counts = [], [], [], []
    slowest: tuple[float, str] = (0.0, "")
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start, cpu = time.perf_counter(), time.process_time()
            response = http.get(url)
            totals.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        sql = [float(q["time"]) for q in ctx.captured_queries]
        sqls.append(sum(sql))
        counts.append(len(sql))
        for q in ctx.captured_queries:
            if float(q["time"]) > slowest[0]:
                slowest = (float(q["time"]), q["sql"])
    totals.sort()
    return {
        "queries": max(counts),
        "median": statistics.median(totals),
        "p95": totals[min(len(totals) - 1, int(round(0.95 * (len(totals) - 1))))],
        "sql": statistics.median(sqls),
        "cpu": statistics.median(cpus),
        "slowest": slowest,
    }


def profile(http: Any, url: str, repeat: int, top: int) -> None:
    """cProfile over `repeat` requests of the page: the functions that cost the most
    CPU of their own (tottime) and the largest subtrees (cumtime), per request. Function
    names and timings only."""
    import cProfile
    import pstats

    http.get(url)
    prof = cProfile.Profile(time.process_time)  # CPU, not waiting for PostgreSQL
    prof.enable()
    for _ in range(repeat):
        http.get(url)
    prof.disable()
    stats = pstats.Stats(prof)
    for order in ("tottime", "cumulative"):
        print(f"    -- by {order} (ms per request) --")
        rows = sorted(
            stats.stats.items(),  # type: ignore[attr-defined]
            key=lambda kv: kv[1][2 if order == "tottime" else 3],
            reverse=True,
        )[:top]
        for (file, line, func), (_cc, nc, tt, ct, _callers) in rows:
            where = file.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
            print(
                f"    {tt / repeat * 1000:7.2f} {ct / repeat * 1000:7.2f} {nc // repeat:6d}  "
                f"{where}:{line}({func})"
            )


def server_time(http: Any, url: str) -> tuple[float, str]:
    """The database's own time for one request of the page: planning + execution of each
    of its reading statements, from EXPLAIN ANALYZE (PostgreSQL only), and the statement
    that took longest there (its plan). Round trips and waiting for a CPU, which dominate
    wall time on a loaded machine, are not in it: it shows what grows with the data."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        http.get(url)
    total, worst, worst_plan = 0.0, 0.0, ""
    for q in ctx.captured_queries:
        sql = q["sql"]
        if " CURSOR WITH HOLD FOR " in sql:
            sql = sql.split(" CURSOR WITH HOLD FOR ", 1)[1]
        if not sql.startswith("SELECT") or "django_session" in sql or " FOR UPDATE" in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        ms = float(plan["Planning Time"]) + float(plan["Execution Time"])
        total += ms
        if ms > worst:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE) " + sql)
                worst, worst_plan = ms, "\n".join(row[0] for row in cursor.fetchall())
    return total, worst_plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--server-time",
        action="store_true",
        help="also the database's own time per request (EXPLAIN ANALYZE of each statement)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="cProfile this many functions per page (own time and subtree), per request",
    )
    parser.add_argument(
        "--reports",
        action="store_true",
        help="also the report pages of bench/load.py (the demo data's managers)",
    )
    parser.add_argument("--only", default="", help="time only pages whose name contains this")
    parser.add_argument(
        "--scale-json",
        help="the scale generator's manifest (bench/scale): sign in as the users it names "
        "(a peer of the largest group, a provider with open referrals, their coordinator)",
    )
    opts = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"load average before: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'page':28} {'queries':>7} {'median':>8} {'p95':>8} {'sql':>8} {'slowest':>8} "
        f"{'python cpu':>10}"
    )
    clients: dict[str, Any] = {}
    users: dict[str, str] = {}
    if opts.scale_json:
        import json

        logins = json.loads(Path(opts.scale_json).read_text())["logins"]
        users = {k: logins[k] for k in ("provider", "coordinator")} | {"peer_name": logins["peer"]}
    for name, username, url in pages(**users) + (REPORT_PAGES if opts.reports else []):
        if opts.only and opts.only not in name:
            continue
        if username not in clients:
            clients[username] = _client_for(username)[1]
        r = measure(clients[username], url, opts.repeat)
        print(
            f"{name:28} {r['queries']:>7} {r['median'] * 1000:>6.0f}ms {r['p95'] * 1000:>6.0f}ms "
            f"{r['sql'] * 1000:>6.0f}ms {r['slowest'][0] * 1000:>6.0f}ms {r['cpu'] * 1000:>8.0f}ms"
        )
        if opts.profile:
            profile(clients[username], url, opts.repeat, opts.profile)
        if opts.server_time and connection.vendor == "postgresql":
            ms, plan = server_time(clients[username], url)
            print(f"    database time (plan + execution, all statements): {ms:.1f} ms")
            if opts.explain:
                print("    longest there:\n      " + plan.replace("\n", "\n      "))
            continue
        # The session's own query names its key: never printed, never explained.
        if opts.explain and r["slowest"][1] and "django_session" not in r["slowest"][1]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + r["slowest"][1])
                for (line,) in cursor.fetchall():
                    print("    " + line)
    print(f"load average after: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
