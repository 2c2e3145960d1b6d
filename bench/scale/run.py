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
import statistics
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "RESULTS.md"
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


@dataclass
class Row:
    name: str
    kind: str  # report / floor / field / ingest / visible
    scope: str = ""  # national / province, for the ratio to the floor
    times: list[float] = field(default_factory=list)
    note: str = ""
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))]


def load() -> str:
    """The load average (as `uptime` shows it) and the UTC time."""
    one, five, fifteen = os.getloadavg()
    now = dt.datetime.now(dt.UTC).strftime("%H:%M UTC")
    return f"{now}, load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


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


def logged_in(username: str) -> Any:
    """A test client logged in as the user, two-factor passed (like conftest.login)."""
    from django.test import Client as HttpClient
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    client = HttpClient()
    client.force_login(user)
    if user.needs_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def timed(row: Row, fn: Callable[[], Any], reps: int, check: Callable[[Any], str]) -> Row:
    from django.db import reset_queries

    for _ in range(reps):
        reset_queries()
        started = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:  # a failing request is reported, not fatal
            row.error = f"{type(exc).__name__}: {exc}"[:200]
            break
        row.times.append(time.perf_counter() - started)
        problem = check(result)
        if problem:
            row.error = problem
            break
    status = f"{row.median:8.3f} s" if row.times else "   —    "
    print(f"  {row.name:<58} {status} {row.error}", flush=True)
    return row


def ok_status(*codes: int) -> Callable[[Any], str]:
    def check(response: Any) -> str:
        code = getattr(response, "status_code", None)
        return "" if code in codes else f"HTTP {code}"

    return check


def no_check(_result: Any) -> str:
    return ""


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
                timed(
                    Row(f"Report page {opts.period}, {label}", "report", scope),
                    partial(http.get, url),
                    opts.reps,
                    ok_status(200),
                )
            )
        for section in opts.breakdowns:
            if scope == "national" and section in ("support_model", "commune"):
                continue  # not parts of a national report
            if scope == "province" and section == "province":
                continue
            url = reverse("reports:breakdown", args=[section]) + f"?{query}"
            rows.append(
                timed(
                    Row(f"Breakdown {section}, {label}", "report", scope),
                    partial(http.get, url),
                    opts.reps,
                    ok_status(200),
                )
            )
        for fmt in opts.exports:
            url = reverse("reports:export", args=[fmt]) + f"?{query}"
            rows.append(
                timed(
                    Row(f"Export {fmt}, {label}", "report", scope),
                    partial(http.get, url),
                    opts.reps,
                    ok_status(200),
                )
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
        rows.append(
            timed(
                Row(name, "field"),
                partial(http.get, url),
                opts.field_reps,
                ok_status(200),
            )
        )
    return rows


def bench_ingest(opts: argparse.Namespace, manifest: dict[str, Any]) -> list[Row]:
    """POST /api/v1/outreach/contacts one at a time and a batch back to back, against COPY
    of the same rows (rolled back)."""
    from accounts.models import User
    from clients import queries as client_queries

    peer_user = User.objects.get(username=manifest["logins"]["peer"])
    clients = client_queries.clients_for(peer_user).filter(erased_at__isnull=True)
    day = dt.date(int(opts.period[:4]), 12, 1).isoformat()
    rows = ingest_posts(opts, manifest, [str(c.public_id) for c in clients[:50]], day)
    ids = list(clients.values_list("id", "commune_id")[:50])
    rows.append(ingest_copy(opts.ingest_batch, manifest, peer_user.pk, ids, day))
    return rows


def ingest_posts(
    opts: argparse.Namespace, manifest: dict[str, Any], clients: list[str], day: str
) -> list[Row]:
    peer = logged_in(manifest["logins"]["peer"])

    def payload(i: int) -> dict[str, Any]:
        return {
            "client_uuid": str(uuid.uuid4()),
            "contact_date": day,
            "place_type": "street",
            "client": clients[i % len(clients)],
            "topics": ["hiv_sti"],
            "needs": [],
            "items": [],
        }

    url = "/api/v1/outreach/contacts"
    counter = iter(range(10**9))

    def post() -> Any:
        return peer.post(url, json.dumps(payload(next(counter))), content_type="application/json")

    rows = [
        timed(
            Row("Ingest: POST /api/v1/outreach/contacts, one", "ingest"), post, 30, ok_status(201)
        )
    ]
    batch = opts.ingest_batch
    started = time.perf_counter()
    failures = 0
    for _ in range(batch):
        if post().status_code != 201:
            failures += 1
    seconds = time.perf_counter() - started
    row = Row(f"Ingest: {batch} POSTs back to back", "ingest", times=[seconds])
    row.note = f"{batch / seconds:.1f} records/s"
    if failures:
        row.error = f"{failures} refused"
    rows.append(row)
    print(f"  {row.name:<58} {seconds:8.3f} s {row.note} {row.error}", flush=True)
    return rows


def ingest_copy(
    batch: int, manifest: dict[str, Any], peer_id: int, ids: list[tuple[int, Any]], day: str
) -> Row:
    """COPY of `batch` contacts like the POSTed ones, inside a transaction rolled back."""
    from django.db import connection, transaction

    group = manifest["logins"]["peer_group_id"]
    started = time.perf_counter()
    seconds = 0.0
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                raw = cur.connection  # psycopg connection
                with raw.cursor().copy(
                    "COPY outreach_outreachcontact (public_id, contact_date, head_count, "
                    "place_type, topics, needs, created_at, client_id, commune_id, "
                    "peer_educator_id, peer_group_id) FROM STDIN"
                ) as copy:
                    now = dt.datetime.now(dt.UTC)
                    for i in range(batch):
                        cid, commune = ids[i % len(ids)]
                        copy.write_row(
                            (uuid.uuid4(), day, 1, "street", '["hiv_sti"]', "[]", now, cid,
                             commune, peer_id, group)
                        )  # fmt: skip
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    row = Row(f"Ingest: COPY of the same {batch} rows", "ingest", times=[seconds])
    row.note = f"{batch / seconds:.0f} rows/s"
    print(f"  {row.name:<58} {seconds:8.3f} s {row.note}", flush=True)
    return row


class _Rollback(Exception):
    pass


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
