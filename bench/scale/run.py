"""Time a generated national-scale database (bench/scale/generate.py), side by side.

    .venv/bin/python bench/scale/run.py --database-url postgres://postgres@127.0.0.1:5432/NAME

In one run, against the database and keys the generator left (`--keys-dir`, default
/tmp/caunoi-scale/NAME, with its scale.json):

- the national and one provincial annual report (--period, default 2025): the report page,
  each breakdown section (htmx partial), each export format, and `manage.py report` (json),
  with Django's test client logged in as a national and a provincial manager (two-factor
  passed as conftest.login does);
- the hand-written SQL floor for the same headline figures: person-times (distinct client ×
  category × provider × date) and distinct persons per national line and province, people
  reached and distinct clients contacted, written directly over the raw tables;
- save-to-visible: a delivery recorded through `referrals.deliveries.delivery_record`, then
  the next report: the time from the save to a report that counts it (and that it does);
- the scoped field pages, one request at a time (p50/p95 of --field-reps): peer home, client
  list, client page, contact form, provider inbox;
- ingest: `POST /api/v1/outreach/contacts` one at a time, a batch sent back to back, and
  COPY of the same rows (inside a transaction that is rolled back).

Prints a markdown table (median, p95, ratio to the SQL floor) and writes it into
bench/RESULTS.md under "## National scale: N contacts" (replacing that size's section), with
the machine, the load (`uptime`) before and after, the date, the sizes and the PostgreSQL
settings in force. The run adds rows (contacts and a delivery) to the database it times.
Nothing identifying is printed: timings, counts, URL shapes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import urllib.parse
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE.parent))  # bench/: the harness shared with bench/run.py

from harness import logged_in  # noqa: E402
from ingest import bench_ingest  # noqa: E402
from section import RESULTS, render, run_info, write_json, write_results  # noqa: E402
from timing import Row, load, no_check, timed, timed_get  # noqa: E402

# Used by bench/scale/profile.py and bench/scale/tuning.py.
__all__ = ["RESULTS", "load", "main", "setup_django", "write_results"]

SECTIONS = [
    "sex",
    "age_group",
    "population_group",
    "call_topic",
    "call_urgency",
    "violence_type",
    "perpetrator",
    "province",
    "support_model",
    "commune",
]
EXPORTS = ["xlsx", "csv", "pdf", "dhis2", "json"]
# The national lines and the other categories: person-time lines of the report.
CATEGORIES = ["education", "legal", "health", "psych", "protection"]


def setup_django(db_url: str, keys: Path, project: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=db_url,
        CAUNOI_LOCAL_DIR=str(keys),
        CAUNOI_SECRET_KEY=(keys / "secret_key").read_text().strip(),
        CAUNOI_MASTER_KEY_FILE=str(keys / "master.key"),
        CAUNOI_BLIND_INDEX_KEY_FILE=str(keys / "blind_index.key"),
        CAUNOI_ALLOWED_HOSTS="testserver,localhost",
        CAUNOI_LOG_LEVEL="WARNING",
        CAUNOI_REQUEST_LOG="0",
    )
    sys.path.insert(0, str(project))
    os.chdir(project)
    import django

    django.setup()


# --- the SQL floor ---------------------------------------------------------------------


def floor_sql(start: dt.date, end: dt.date, province: str | None) -> tuple[str, list[Any]]:
    """Headline figures straight from the raw tables: per category and province, the
    person-times and distinct persons of the deliveries; people reached and distinct
    clients contacted by outreach (area: the client's province, or the peer group's model's
    for anonymous head counts)."""
    where_p = "AND c.province_id = %s" if province else ""
    where_m = "AND m.province_id = %s" if province else ""
    params: list[Any] = [start, end] + ([province] if province else [])
    params += [start, end] + ([province] if province else [])
    sql = f"""
    WITH pt AS (
      SELECT c.province_id, d.category, count(DISTINCT (d.client_id, d.provider_id,
             d.delivered_on)) AS person_times, count(DISTINCT d.client_id) AS persons
      FROM referrals_servicedelivery d JOIN clients_client c ON c.id = d.client_id
      WHERE d.delivered_on BETWEEN %s AND %s {where_p}
      GROUP BY GROUPING SETS ((c.province_id, d.category), (d.category))),
    reach AS (
      SELECT m.province_id, sum(o.head_count) AS people_reached,
             count(DISTINCT o.client_id) AS clients_reached
      FROM outreach_outreachcontact o
      JOIN programs_peergroup g ON g.id = o.peer_group_id
      JOIN programs_supportmodel m ON m.id = g.support_model_id
      WHERE o.contact_date BETWEEN %s AND %s {where_m}
      GROUP BY GROUPING SETS ((m.province_id), ()))
    SELECT 'pt', province_id, category, person_times, persons FROM pt
    UNION ALL
    SELECT 'reach', province_id, NULL, people_reached, clients_reached FROM reach"""
    return sql, params


# --- the run -----------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    year = int(period[:4])
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def bench_reports(opts: argparse.Namespace, manifest: dict[str, Any]) -> list[Row]:
    from django.core.management import call_command
    from django.urls import reverse

    rows: list[Row] = []
    province = manifest["logins"]["province"]
    nat = logged_in(opts.national_user)
    prov = logged_in(manifest["logins"]["provincial_manager"])
    report = reverse("reports:report")
    scopes = [
        ("national", nat, f"period={opts.period}", None),
        ("province", prov, f"period={opts.period}&province={province}", province),
    ]
    scopes = [s for s in scopes if s[0] in opts.scopes]
    tmp = Path(tempfile.mkdtemp(prefix="caunoi-scale-run-"))
    for scope, http, query, area in scopes:
        label = "national" if scope == "national" else f"province {province}"
        url = f"{report}?{query}"
        if not opts.skip_page:
            rows.append(
                timed_get(
                    Row(f"Report page {opts.period}, {label}", "report", scope),
                    http,
                    url,
                    opts.reps,
                )
            )
        for section in opts.breakdowns:
            if scope == "national" and section in ("support_model", "commune"):
                continue  # not parts of a national report
            if scope == "province" and section == "province":
                continue
            url = reverse("reports:breakdown", args=[section]) + f"?{query}"
            rows.append(
                timed_get(
                    Row(f"Breakdown {section}, {label}", "report", scope), http, url, opts.reps
                )
            )
        for fmt in opts.exports:
            url = reverse("reports:export", args=[fmt]) + f"?{query}"
            rows.append(
                timed_get(Row(f"Export {fmt}, {label}", "report", scope), http, url, opts.reps)
            )
        args = ["report", "--period", opts.period, "--format", "json"]
        if area:
            args += ["--area", area]
        target = tmp / f"report-{scope}.json"
        rows.append(
            timed(
                Row(f"manage.py report --period {opts.period} (json), {label}", "report", scope),
                partial(call_command, *args, "--output", str(target)),
                opts.reps,
                no_check,
            )
        )
    return rows


def bench_floor(opts: argparse.Namespace, manifest: dict[str, Any]) -> list[Row]:
    from django.db import connection

    start, end = period_bounds(opts.period)
    rows = []
    for scope, area in (("national", None), ("province", manifest["logins"]["province"])):
        if scope not in opts.scopes:
            continue
        sql, params = floor_sql(start, end, area)
        label = "national" if area is None else f"province {area}"

        def run(s: str = sql, p: list[Any] = params) -> Any:
            with connection.cursor() as cur:
                cur.execute(s, p)
                return cur.fetchall()

        rows.append(
            timed(Row(f"SQL floor (headline figures), {label}", "floor", scope), run, 3, no_check)
        )
    return rows


def bench_visible(opts: argparse.Namespace, manifest: dict[str, Any]) -> list[Row]:
    """Save a delivery through the service, then the next report: does it count it, and how
    long from the save until the report that shows it."""
    from django.core.management import call_command

    from accounts.models import User
    from directory.taxonomy import SERVICE_TYPES
    from programs.models import Organisation
    from referrals import queries as referral_queries
    from referrals.deliveries import delivery_record
    from referrals.models import ServiceDelivery

    staff = User.objects.get(username=manifest["logins"]["provider"])
    provider = Organisation.objects.get(grants__user=staff, grants__role="provider")
    service_type = (
        provider.services.values_list("service_type", flat=True).order_by("service_type").first()
    )
    assert service_type
    category = SERVICE_TYPES[service_type].category
    start, end = period_bounds(opts.period)
    day = dt.date(start.year, 6, 15)
    # A client of the provider's province with no delivery of this category from this
    # provider that day: the saved delivery is one more person-time.
    client = (
        referral_queries.code_lookup_clients(staff)
        .filter(erased_at__isnull=True)
        .exclude(
            pk__in=ServiceDelivery.objects.filter(
                provider=provider, delivered_on=day, category=category
            ).values("client_id")
        )
        .order_by("pk")
        .first()
    )
    assert client is not None, "the provider knows no client"
    target = Path(tempfile.mkdtemp(prefix="caunoi-visible-")) / "report.json"
    line = f"pt_{category}"

    def value() -> int:
        data = json.loads(target.read_text())
        return int(next(i for i in data["indicators"] if i["code"] == line)["value"])

    args = ["report", "--period", opts.period, "--format", "json", "--output", str(target)]
    call_command(*args)
    before = value()
    started = time.perf_counter()
    delivery_record(
        actor=staff,
        client=client,
        service_type=service_type,
        provider=provider,
        delivered_on=day,
        source="walk_in",
    )
    saved = time.perf_counter()
    call_command(*args)
    done = time.perf_counter()
    after = value()
    row = Row(f"Save-to-visible: delivery saved → next national report ({line})", "visible")
    row.times = [done - started]
    row.note = f"save {saved - started:.3f} s; counted: {before} → {after}"
    if after != before + 1:
        row.error = f"not counted ({before} → {after})"
    print(f"  {row.name:<58} {row.median:8.3f} s {row.note} {row.error}", flush=True)
    return [row]


def bench_field(opts: argparse.Namespace, manifest: dict[str, Any]) -> list[Row]:
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import User
    from clients import queries as client_queries

    logins = manifest["logins"]
    peer_user = User.objects.get(username=logins["peer"])
    peer = logged_in(logins["peer"])
    provider = logged_in(logins["provider"])
    client = None
    for candidate in (
        client_queries.clients_for(peer_user)
        .annotate(n=Count("contacts"))
        .order_by("-n", "pk")[:50]
    ):
        if client_queries.may_follow_up(candidate) and not candidate.is_erased:
            client = candidate
            break
    assert client is not None, "no client with follow-up consent in the peer's group"
    pages = [
        ("Peer home", peer, "/"),
        ("Client list (peer)", peer, reverse("clients:list")),
        ("Client page (peer)", peer, reverse("clients:detail", args=[client.public_id])),
        (
            "Contact form (peer)",
            peer,
            reverse("outreach:contact_new_for", args=[client.public_id]),
        ),
        ("Referral inbox (provider)", provider, reverse("referrals:inbox")),
    ]
    rows = []
    for name, http, url in pages:
        http.get(url)  # warm-up
        rows.append(timed_get(Row(name, "field"), http, url, opts.field_reps))
    return rows


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--keys-dir", help="default /tmp/caunoi-scale/NAME")
    parser.add_argument("--project", default=str(HERE.parent.parent))
    parser.add_argument("--period", default="2025")
    parser.add_argument("--reps", type=int, default=1, help="repetitions per report request")
    parser.add_argument("--field-reps", type=int, default=30)
    parser.add_argument("--ingest-batch", type=int, default=100)
    parser.add_argument("--national-user", default="quanlyquocgia")
    parser.add_argument(
        "--breakdowns", default=",".join(SECTIONS), help="comma-separated, or 'none'"
    )
    parser.add_argument("--exports", default=",".join(EXPORTS), help="comma-separated, or 'none'")
    parser.add_argument(
        "--only",
        default="floor,reports,visible,field,ingest",
        help="parts to run (comma-separated)",
    )
    parser.add_argument("--skip-page", action="store_true", help="no report page request")
    parser.add_argument("--scopes", default="national,province", help="report scopes to time")
    parser.add_argument("--json", help="also write the rows here (JSON)")
    parser.add_argument("--note", default="", help="a sentence for the results")
    parser.add_argument("--label", default="", help="added to the section title, e.g. 'tuned'")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    opts = parser.parse_args()
    opts.breakdowns = [] if opts.breakdowns == "none" else opts.breakdowns.split(",")
    opts.exports = [] if opts.exports == "none" else opts.exports.split(",")
    opts.scopes = opts.scopes.split(",")
    return opts


def main() -> int:
    opts = parse_args()
    dbname = urllib.parse.urlparse(opts.database_url).path.lstrip("/")
    keys = Path(opts.keys_dir or f"/tmp/caunoi-scale/{dbname}")
    manifest = json.loads((keys / "scale.json").read_text())
    load_before = load()
    setup_django(opts.database_url, keys, Path(opts.project))

    rows: list[Row] = []
    print(f"{dbname}: {manifest['rows']}", flush=True)
    parts = {
        "floor": bench_floor,
        "reports": bench_reports,
        "visible": bench_visible,
        "field": bench_field,
        "ingest": bench_ingest,
    }
    for name, part in parts.items():  # in this order, whatever --only says
        if name in opts.only.split(","):
            rows += part(opts, manifest)
    info = run_info(opts, load_before)
    title = f"## National scale: {manifest['contacts_requested']:,} contacts"
    if opts.label:
        title += f" ({opts.label})"
    section = render(rows, manifest, info, title)
    if opts.json:
        write_json(opts.json, info, rows)
    print()
    print(section)
    if not opts.no_write:
        write_results(section, title)
    return 0


if __name__ == "__main__":
    sys.exit(main())
