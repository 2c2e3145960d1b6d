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


def pages() -> list[tuple[str, str, str]]:
    """(name, username, url) of every field page timed."""
    from accounts.models import User
    from clients import queries as client_queries

    peer = User.objects.get(username="dongdang")
    client = next(
        c
        for c in client_queries.clients_for(peer).order_by("pk")[:200]
        if client_queries.may_follow_up(c) and not c.is_erased
    )
    return [
        ("peer home", "dongdang", "/"),
        ("client list (peer)", "dongdang", "/clients/"),
        ("client page (peer)", "dongdang", f"/clients/{client.public_id}/"),
        ("contact form (GET)", "dongdang", f"/outreach/contacts/new/{client.public_id}/"),
        ("referral inbox (provider)", "phongkham", "/referrals/inbox/"),
        ("provider home", "phongkham", "/"),
        ("coordinator home", "dieuphoi", "/"),
        ("client list (coordinator)", "dieuphoi", "/clients/"),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="time only pages whose name contains this")
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
    for name, username, url in pages():
        if opts.only and opts.only not in name:
            continue
        if username not in clients:
            clients[username] = _client_for(username)[1]
        r = measure(clients[username], url, opts.repeat)
        print(
            f"{name:28} {r['queries']:>7} {r['median'] * 1000:>6.0f}ms {r['p95'] * 1000:>6.0f}ms "
            f"{r['sql'] * 1000:>6.0f}ms {r['slowest'][0] * 1000:>6.0f}ms {r['cpu'] * 1000:>8.0f}ms"
        )
        # The session's own query names its key: never printed, never explained.
        if opts.explain and r["slowest"][1] and "django_session" not in r["slowest"][1]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + r["slowest"][1])
                for (line,) in cursor.fetchall():
                    print("    " + line)
    print(f"load average after: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
