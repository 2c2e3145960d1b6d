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
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
DEMO_PASSWORD = "CauNoi-demo-2026"

# Targets (seconds / bytes).
PAGE_MEDIAN = 1.0
PAGE_P95 = 2.0
POST_MEDIAN = 0.3
EXPORT_MAX = 3.0
RSS_MAX = 1024**3


# --- machine -------------------------------------------------------------------------


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    try:
        info["nproc"] = subprocess.run(
            ["nproc"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        info["nproc"] = str(os.cpu_count())
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kb = int(line.split()[1])
                info["ram"] = f"{kb / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        info["ram"] = "?"
    info["cpu"] = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["python"] = platform.python_version()
    info["sqlite"] = sqlite3.sqlite_version
    info["platform"] = platform.platform()
    return info


# --- statistics ----------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (with few samples, p95 is the slowest run)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def mib(nbytes: float) -> str:
    return f"{nbytes / 1024 / 1024:.0f} MiB"


def peak_rss_self() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def peak_rss_children() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


# --- step 1: the scratch database ----------------------------------------------------


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a manage.py command in a child process: (seconds, peak RSS of the child, output)."""
    before = peak_rss_children()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed ({proc.returncode})")
    # RUSAGE_CHILDREN keeps the largest child's peak: a later, smaller child leaves it alone.
    return seconds, max(peak_rss_children(), before), proc.stdout


# --- step 2: pages -------------------------------------------------------------------


class FormReader(HTMLParser):
    """Reads the fields of every POST form the way a browser would submit them. The page's
    own form is the one posting back to the page (no `action`): `reader.own()`."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self.options: dict[str, list[str]] = {}  # select name → its non-empty option values
        self._data: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def own(self) -> dict[str, list[str]]:
        for action, data in self.forms:
            if not action:
                return data
        raise SystemExit("The page has no form posting back to itself.")

    def _add(self, name: str, value: str) -> None:
        assert self._data is not None
        self._data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._data = {}
            self.forms.append((a.get("action", ""), self._data))
            return
        if self._data is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
                return
            self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value:
                self.options.setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._add(self._select, value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data: str) -> None:
        if self._textarea and self._data is not None:
            self._data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._data = None
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Result:
    name: str
    kind: str  # page / post / export / command
    url: str
    who: str
    times: list[float] = field(default_factory=list)
    first: float = 0.0
    queries: int | None = None
    repeated: list[tuple[int, str]] = field(default_factory=list)
    status: str = ""
    rss_peak: int = 0
    size: int = 0
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.times, 95) if self.times else float("nan")

    def targets(self) -> list[tuple[str, bool]]:
        if self.error or not self.times:
            return [("runs", False)]
        if self.kind == "page":
            return [
                (f"median < {PAGE_MEDIAN:g} s", self.median < PAGE_MEDIAN),
                (f"p95 < {PAGE_P95:g} s", self.p95 < PAGE_P95),
            ]
        if self.kind == "post":
            return [(f"median < {POST_MEDIAN * 1000:.0f} ms", self.median < POST_MEDIAN)]
        return [(f"p95 < {EXPORT_MAX:g} s", self.p95 < EXPORT_MAX)]

    @property
    def ok(self) -> bool:
        return all(passed for _t, passed in self.targets())


_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")
_STRING = re.compile(r"'(?:[^']|'')*'|\"[0-9a-f]{32}\"")
_IN_LIST = re.compile(r"IN \((%s|\?|[^()]*?)(, ?(%s|\?|[^()]*?))*\)")


def shape(sql: str) -> str:
    s = _STRING.sub("?", sql)
    s = _NUMBER.sub("?", s)
    s = _IN_LIST.sub("IN (…)", s)
    return s


def repeated_queries(captured: list[dict[str, Any]], top: int = 3) -> list[tuple[int, str]]:
    counts = Counter(shape(q["sql"]) for q in captured)
    return [(n, sql) for sql, n in counts.most_common(top) if n > 1]


def url_label(url: str) -> str:
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", url)


def measure(
    name: str,
    kind: str,
    who: str,
    url: str,
    call: Callable[[], Any],
    reps: int,
    check: Callable[[Any], str] | None = None,
) -> Result:
    """One warm-up call (its time is `first`), one call under CaptureQueriesContext
    (the query count), then `reps` timed calls."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    res = Result(name=name, kind=kind, url=url_label(url), who=who)
    try:
        start = time.perf_counter()
        out = call()
        res.first = time.perf_counter() - start
        problem = check(out) if check else ""
        if problem:
            res.error = problem
            res.status = problem
            return res
        with CaptureQueriesContext(connection) as ctx:
            out = call()
        res.queries = len(ctx.captured_queries)
        res.repeated = repeated_queries(ctx.captured_queries)
        reset_queries()
        for _ in range(reps):
            start = time.perf_counter()
            out = call()
            res.times.append(time.perf_counter() - start)
        res.status = str(getattr(out, "status_code", "ok"))
        content = getattr(out, "content", None)
        res.size = len(content) if content is not None else 0
    except Exception as exc:
        res.error = f"{type(exc).__name__}: {exc}"[:300]
    res.rss_peak = peak_rss_self()
    return res


def expect(status: int) -> Callable[[Any], str]:
    def check(response: Any) -> str:
        if response.status_code != status:
            return f"HTTP {response.status_code} (expected {status})"
        return ""

    return check


def logged_in(username: str) -> Any:
    """A test Client logged in as the demo user, two-factor passed (like conftest.login)."""
    from django.test import Client as HttpClient
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD), f"{username}: demo password changed?"
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


def bench_requests(reps: int, export_reps: int) -> list[Result]:
    from django.urls import reverse

    results: list[Result] = []
    peer = logged_in("dongdang")
    provider = logged_in("phongkham")
    coordinator = logged_in("dieuphoi")
    prov = logged_in("quanlytinh")
    nat = logged_in("quanlyquocgia")
    client = pick_client("dongdang")
    detail = reverse("clients:detail", args=[client.public_id])
    contact_url = reverse("outreach:contact_new_for", args=[client.public_id])
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
    for name, who, http, url in pages:
        print(f"  {name} …", flush=True)
        results.append(measure(name, "page", who, url, partial(http.get, url), reps, expect(200)))

    # Logging a contact: read the form as rendered (prefilled), tick a need, hand out two
    # condoms, submit. A good POST redirects to the client page (302).
    form_page = peer.get(contact_url)
    reader = FormReader()
    reader.feed(form_page.content.decode())
    data: dict[str, Any] = {k: (v if len(v) > 1 else v[0]) for k, v in reader.own().items()}
    data["needs"] = ["hiv_test"]
    if data.get("place_type") == "establishment" and not data.get("establishment"):
        # The prefilled place is an establishment: pick one, as the peer would.
        data["establishment"] = reader.options.get("establishment", [""])[0]
    if "qty_condom" in data:
        data["qty_condom"] = "2"
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
    results.append(res)

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


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


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


# --- main ----------------------------------------------------------------------------


def main() -> None:
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
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="caunoi-bench-"))
    db = Path(opts.db).resolve() if opts.db else tmp / "bench.sqlite3"
    # Django's secret key and the master key live beside the scratch DB (created by
    # keys_init after migrate). A reused DB made with the project's own keys (.local/)
    # keeps those.
    keys = db.parent / f"{db.name}.keys"
    if opts.reuse and not keys.exists():
        keys = Path(os.environ.get("CAUNOI_LOCAL_DIR", ROOT / ".local"))
    env = dict(os.environ)
    env.update(
        CAUNOI_SQLITE_PATH=str(db),
        CAUNOI_LOCAL_DIR=str(keys),
        DJANGO_SETTINGS_MODULE="config.settings",
        CAUNOI_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        CAUNOI_LOG_LEVEL="WARNING",
        CAUNOI_TESTING="",  # real password hashers, real (async) task queue
    )
    for var in ("DATABASE_URL",):  # always the scratch SQLite file
        env.pop(var, None)
    os.environ.clear()
    os.environ.update(env)

    info = machine()
    print(
        f"Cầu Nối benchmark — scale {opts.scale}, {info['nproc']} CPUs, {info['ram']}, "
        f"Python {info['python']}, SQLite {info['sqlite']}"
    )
    print(f"Database: {db}")
    load: dict[str, Any] = {"migrate_s": 0.0, "demo_s": 0.0, "migrate_rss": 0, "demo_rss": 0}
    if opts.reuse:
        if not db.exists():
            raise SystemExit(f"--reuse: {db} does not exist")
        load["summary"] = "database reused, not rebuilt (load time not measured)"
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print("migrate …", flush=True)
        load["migrate_s"], load["migrate_rss"], _out = run_child(["migrate", "-v0"], env)
        print(f"  {fmt_s(load['migrate_s'])}, peak RSS {mib(load['migrate_rss'])}")
        run_child(["keys_init"], env)  # keys are never created on use (core.keys)
        print(f"demo_data --scale {opts.scale} …", flush=True)
        load["demo_s"], load["demo_rss"], out = run_child(
            ["demo_data", "--scale", str(opts.scale)], env
        )
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

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    info["django"] = django.get_version()
    from django.conf import settings

    assert str(settings.DATABASES["default"]["NAME"]) == str(db), "not the scratch database"

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
        raw = {
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
        Path(opts.json).write_text(json.dumps(raw, indent=2, ensure_ascii=False))
    shutil.rmtree(tmp, ignore_errors=True)  # the temp DB (when no --db) and report files


if __name__ == "__main__":
    main()
