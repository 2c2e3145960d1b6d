"""Load test: 50 simulated users against the production server (gunicorn) on PostgreSQL.

    .venv/bin/python bench/load.py                      # scale 3, 50 users, 60 s
    .venv/bin/python bench/load.py --users 20 --duration 30 --scale 1

1. Builds a scratch PostgreSQL database (default `h6_deploy_bench` on 127.0.0.1; never
   `caunoi` or `test`), migrates it and loads `demo_data --scale N`.
2. Starts the production server with bin/serve-production (CAUNOI_PRODUCTION=1, checks,
   collectstatic, gunicorn with its default workers) on a loopback port, keys and secret in
   a temp directory.
3. Opens one session per simulated user (created in the database like a login with
   two-factor passed) and runs them for --warmup seconds (not counted: each gunicorn
   worker compiles its templates on its first requests) then --duration seconds, each
   user a thread with its own keep-alive connection, thinking 1–2 s between requests like
   a person on a phone:
   peers (home, client list, a client page, log a contact: GET the form, POST it),
   providers (referral inbox), coordinators (home, client list), managers (report page).
   Requests carry X-Forwarded-Proto: https, as nginx sends them.
4. Writes p50/p95/p99, errors, machine, load average and date into bench/RESULTS.md
   (between `<!-- load:start -->` and `<!-- load:end -->`), stops the server, drops the
   database (unless --keep).

Nothing identifying is printed: route names and timings only.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, FormReader, machine, percentile, run_child

RESULTS = ROOT / "bench" / "RESULTS.md"
FIELD_P95 = 0.150
REPORT_P95 = 1.0
FORBIDDEN_DBS = {"caunoi", "test", "postgres", "template0", "template1"}

# Simulated users per role, out of 50 (scaled for --users).
MIX = {"peer": 38, "provider": 6, "coordinator": 3, "prov_manager": 2, "nat_manager": 1}
DEMO_USERS = {
    "peer": "dongdang",
    "provider": "phongkham",
    "coordinator": "dieuphoi",
    "prov_manager": "quanlytinh",
    "nat_manager": "quanlyquocgia",
}


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Requests that end before this time (the warm-up) are not counted.
    since: float = 0.0

    def add(self, name: str, seconds: float, error: str = "") -> None:
        if time.time() < self.since:
            return
        with self.lock:
            self.times[name].append(seconds)
            if error:
                self.errors[name] += 1
                self.error_kinds[error] += 1


class Browser:
    """One simulated user's connection: keep-alive, cookies, CSRF, like a browser would."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, str]:
        headers = {
            "Host": "localhost",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Encoding": "identity",
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "https://localhost"
            headers["Referer"] = f"https://localhost{url}"
        try:
            self.conn.request(method, url, body=data, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, text


def timed(stats: Stats, name: str, browser: Browser, method: str, url: str, expect: int,
          body: dict[str, Any] | None = None) -> str:  # fmt: skip
    start = time.perf_counter()
    try:
        status, text = browser.request(method, url, body)
        error = "" if status == expect else f"{name}: HTTP {status}"
    except (OSError, http.client.HTTPException) as exc:
        status, text, error = 0, "", f"{name}: {type(exc).__name__}"
    stats.add(name, time.perf_counter() - start, error)
    return text


def contact_form_data(html: str) -> dict[str, Any]:
    reader = FormReader()
    reader.feed(html)
    data: dict[str, Any] = {k: (v if len(v) > 1 else v[0]) for k, v in reader.own().items()}
    data["needs"] = ["hiv_test"]
    if data.get("place_type") == "establishment" and not data.get("establishment"):
        data["establishment"] = reader.options.get("establishment", [""])[0]
    if "qty_condom" in data:
        data["qty_condom"] = "2"
    return data


def simulated_user(role: str, browser: Browser, ctx: dict[str, Any], stats: Stats,
                   stop: float, rng: random.Random) -> None:  # fmt: skip
    time.sleep(rng.uniform(0, 2))  # users do not all arrive in the same second
    while time.time() < stop:
        if role == "peer":
            action = rng.choice(["home", "list", "client", "contact"])
            if action == "home":
                timed(stats, "peer home", browser, "GET", "/", 200)
            elif action == "list":
                timed(stats, "client list (peer)", browser, "GET", "/clients/", 200)
            elif action == "client":
                url = f"/clients/{rng.choice(ctx['clients'])}/"
                timed(stats, "client page (peer)", browser, "GET", url, 200)
            else:
                url = f"/outreach/contacts/new/{rng.choice(ctx['clients'])}/"
                html = timed(stats, "contact form (GET)", browser, "GET", url, 200)
                if html:
                    time.sleep(rng.uniform(1, 2))  # filling the form in
                    data = contact_form_data(html)
                    timed(stats, "log a contact (POST)", browser, "POST", url, 302, data)
        elif role == "provider":
            timed(stats, "referral inbox (provider)", browser, "GET", "/referrals/inbox/", 200)
        elif role == "coordinator":
            url = rng.choice(["/", "/clients/"])
            name = "coordinator home" if url == "/" else "client list (coordinator)"
            timed(stats, name, browser, "GET", url, 200)
        elif role == "prov_manager":
            url = "/reports/?period=2024&province=22"
            timed(stats, "report page (province)", browser, "GET", url, 200)
        else:
            timed(stats, "report page (national)", browser, "GET", "/reports/", 200)
        time.sleep(rng.uniform(1, 2))


def sessions_and_clients(users: dict[str, int]) -> tuple[dict[str, list[str]], list[str]]:
    """Sessions created in the database as a login (with two-factor) would create them."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from clients import queries as client_queries

    sessions: dict[str, list[str]] = {}
    for role, count in users.items():
        user = User.objects.get(username=DEMO_USERS[role])
        device = None
        if user.needs_two_factor:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
                TOTPDevice.objects.create(user=user, name="default", confirmed=True)
            )
        keys = []
        for _ in range(count):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            # Active now, as after a login: written again once a minute of activity, as
            # for a real user (accounts.middleware.LAST_SEEN_RESOLUTION_SECONDS).
            store["last_seen"] = int(time.time())
            if device is not None:
                store[DEVICE_ID_SESSION_KEY] = device.persistent_id
            store.create()
            keys.append(str(store.session_key))
        sessions[role] = keys
    peer = User.objects.get(username=DEMO_USERS["peer"])
    clients = [
        str(c.public_id)
        for c in client_queries.clients_for(peer).order_by("pk")[:200]
        if client_queries.may_follow_up(c) and not c.is_erased
    ][:50]
    if not clients:
        raise SystemExit("The demo peer has no client with follow-up consent.")
    from django.db import connections

    connections.close_all()
    return sessions, clients


class CpuMeter:
    """CPU seconds spent during the run by the web server (the gunicorn master, its workers
    and the workers it reaped), by this database's PostgreSQL backends (sampled every
    second: a backend that ends between two samples loses at most its last second) and by
    the load generator itself, which shares the machine's cores with both."""

    def __init__(self, server_pids: list[int], dbname: str) -> None:
        self.server_pids = set(server_pids)
        self.marker = f" {dbname} ".encode()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            pid, ppid = int(entry.name), int(stat[1])
            own, children = int(stat[11]) + int(stat[12]), int(stat[13]) + int(stat[14])
            if pid in self.server_pids:
                key, ticks = ("web", pid), own + children
            elif ppid in self.server_pids:
                key, ticks = ("web", pid), own
            elif cmdline.startswith(b"postgres: ") and self.marker in cmdline:
                key, ticks = ("postgres", pid), own
            else:
                continue
            seconds = ticks / self.tick
            if key not in self.first:
                # Seen for the first time after the start: it began during the run.
                self.first[key] = seconds if not self.thread.is_alive() else 0.0
            self.last[key] = seconds

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            self._sample()

    def start(self) -> None:
        self._sample()
        self.generator = sum(os.times()[:2])
        self.thread.start()

    def finish(self) -> dict[str, float]:
        self.stop.set()
        self.thread.join()
        self._sample()
        spent = {"web": 0.0, "postgres": 0.0}
        for key, last in self.last.items():
            spent[key[0]] += last - self.first[key]
        spent["load generator"] = sum(os.times()[:2]) - self.generator
        return spent


# The settings of deploy/postgresql/caunoi.conf that one database can carry (ALTER
# DATABASE … SET): the run is tuned as a deployment is, without touching a server that
# other databases share. shared_buffers and the like stay the server's.
DATABASE_SETTINGS = {
    "work_mem",
    "jit",
    "random_page_cost",
    "effective_cache_size",
    "effective_io_concurrency",
    "max_parallel_workers_per_gather",
    "idle_in_transaction_session_timeout",
}


def deployment_settings() -> dict[str, str]:
    settings = {}
    for line in (ROOT / "deploy" / "postgresql" / "caunoi.conf").read_text().splitlines():
        name, _, value = line.split("#", 1)[0].partition("=")
        if name.strip() in DATABASE_SETTINGS:
            settings[name.strip()] = value.strip()
    return settings


def tune_database(db_url: str, dbname: str) -> str:
    """Applies deployment_settings() to the scratch database; says which."""
    settings = deployment_settings()
    for name, value in settings.items():
        subprocess.run(
            ["psql", db_url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
             f"ALTER DATABASE {dbname} SET {name} = '{value}'"],
            check=True,
        )  # fmt: skip
    return ", ".join(f"{k}={v}" for k, v in sorted(settings.items()))


def gunicorn_size(env: dict[str, str]) -> tuple[int, int]:
    """Workers and threads as deploy/gunicorn.conf.py reads them from this environment."""
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        conf: dict[str, Any] = {}
        exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), conf)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return int(conf["workers"]), int(conf["threads"])


def wait_healthy(port: int, proc: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bin/serve-production exited ({proc.returncode}).")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": "localhost"})
            if conn.getresponse().status in (200, 503):  # 503: no qcluster runs, expected
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("gunicorn did not answer in time.")


def cpu_line(cpu: dict[str, float], requests: int, duration: float) -> str:
    """CPU per request of each part, and how much of the machine the run used."""
    if not requests:
        return ""
    parts = ", ".join(f"{name} {seconds / requests * 1000:.1f} ms" for name, seconds in cpu.items())
    busy = sum(cpu.values()) / duration
    return (
        f"CPU per request: {parts}; total {sum(cpu.values()) / requests * 1000:.1f} ms. "
        f"Served {requests / duration:.1f} requests/s using {busy:.2f} of "
        f"{os.cpu_count()} CPUs."
    )


def render(rows: dict[str, list[float]], errors: dict[str, int], kinds: dict[str, int],
           meta: dict[str, str]) -> str:  # fmt: skip
    lines = [
        "<!-- load:start -->",
        "## Load test (bench/load.py): gunicorn on PostgreSQL",
        "",
        f"Date: {meta['date']}. Machine: {meta['machine']}. {meta['setup']}",
        f"Load average (1/5/15 min) before: {meta['load_before']}; at the end: "
        f"{meta['load_after']}. {meta['note']}",
        "",
        "| request | n | errors | p50 | p95 | p99 | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in sorted(rows):
        values = rows[name]
        p50, p95, p99 = (percentile(values, p) * 1000 for p in (50, 95, 99))
        limit = REPORT_P95 if name.startswith("report") else FIELD_P95
        verdict = "PASS" if p95 / 1000 < limit and not errors.get(name) else "FAIL"
        lines.append(
            f"| {name} | {len(values)} | {errors.get(name, 0)} | {p50:.0f} ms | {p95:.0f} ms "
            f"| {p99:.0f} ms | p95 < {limit * 1000:.0f} ms, 0 errors: {verdict} |"
        )
    total = sum(len(v) for v in rows.values())
    lines += ["", f"Total: {total} requests, {sum(errors.values())} errors."]
    if meta.get("cpu"):
        lines += ["", meta["cpu"]]
    if kinds:
        lines.append("Errors by kind: " + ", ".join(f"{k} × {n}" for k, n in kinds.items()))
    lines += ["<!-- load:end -->", ""]
    return "\n".join(lines)


def write_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8")
    if "<!-- load:start -->" in text:
        before, rest = text.split("<!-- load:start -->", 1)
        after = rest.split("<!-- load:end -->", 1)[1].lstrip("\n")
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/h6_deploy_bench")
    parser.add_argument("--scale", type=int, default=3)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--port", type=int, default=8019)
    parser.add_argument(
        "--warmup",
        type=int,
        default=15,
        help="seconds of the same load before the measured --duration, not counted: each "
        "gunicorn worker compiles its templates and loads its translations on its first "
        "requests, which a server that has been running has long done",
    )
    parser.add_argument("--reuse", action="store_true", help="the database is already loaded")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--note", default="", help="a sentence about the machine's load")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (0: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per worker (0: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--report-workers",
        type=int,
        default=0,
        help="serve /reports/ from a second gunicorn with this many workers (as nginx "
        "routes it in deploy/nginx, 'separate pool for reports'); 0: one server for all",
    )
    parser.add_argument(
        "--keys-dir", help="keys and static files here (with --reuse: the first run's directory)"
    )
    opts = parser.parse_args()

    url = urllib.parse.urlparse(opts.db_url)
    dbname = url.path.lstrip("/")
    if dbname in FORBIDDEN_DBS or not re.fullmatch(r"[a-z0-9_]+", dbname):
        raise SystemExit(f"Refusing database {dbname!r}: give a scratch database of your own.")
    admin = opts.db_url.rsplit("/", 1)[0] + "/postgres"
    tmp = Path(opts.keys_dir) if opts.keys_dir else Path(tempfile.mkdtemp(prefix="caunoi-load-"))
    print(f"keys and static files in {tmp}", flush=True)
    for name in ("master", "blind_index"):
        path = tmp / f"{name}.key"
        if not path.exists():
            path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAUNOI_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=opts.db_url,
        CAUNOI_LOCAL_DIR=str(tmp),
        CAUNOI_SECRET_KEY=secrets.token_urlsafe(50),
        CAUNOI_MASTER_KEY_FILE=str(tmp / "master.key"),
        CAUNOI_BLIND_INDEX_KEY_FILE=str(tmp / "blind_index.key"),
        CAUNOI_ALLOWED_HOSTS="localhost",
        CAUNOI_STATIC_ROOT=str(tmp / "static"),
        CAUNOI_LOG_LEVEL="WARNING",
        CAUNOI_REQUEST_LOG="0",
    )
    if not opts.reuse:
        psql = ["psql", admin, "-q", "-v", "ON_ERROR_STOP=1", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {dbname}"], check=True)
        print("migrate …", flush=True)
        run_child(["migrate", "--noinput"], env)
        print(f"demo_data --scale {opts.scale} …", flush=True)
        seconds, _rss, _out = run_child(["demo_data", "--scale", str(opts.scale)], env)
        print(f"  {seconds:.0f} s", flush=True)
        # The planner's statistics of a freshly loaded database, as autovacuum would have
        # them on a server that has been running: without them PostgreSQL plans the
        # field pages' statements for empty tables (sequential scans, hashes).
        subprocess.run(
            ["psql", opts.db_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", "VACUUM ANALYZE"],
            check=True,
        )

    tuning = tune_database(opts.db_url, dbname)
    os.environ.clear()
    os.environ.update(env)
    total = sum(MIX.values())
    users = {role: max(1, round(n * opts.users / total)) for role, n in MIX.items()}
    sessions, clients = sessions_and_clients(users)

    server_env = dict(env, CAUNOI_PRODUCTION="1", CAUNOI_BIND=f"127.0.0.1:{opts.port}")
    server_env["CAUNOI_MIGRATE_ON_START"] = "0"
    if opts.workers:
        server_env["CAUNOI_WEB_WORKERS"] = str(opts.workers)
    if opts.threads:
        server_env["CAUNOI_WEB_THREADS"] = str(opts.threads)
    server = subprocess.Popen(
        [str(ROOT / "bin/serve-production")], cwd=ROOT, env=server_env,
        stdout=subprocess.DEVNULL, stderr=open(tmp / "server.log", "wb"),
    )  # fmt: skip
    stats = Stats()
    report_server = None
    report_port = opts.port
    try:
        print("waiting for gunicorn …", flush=True)
        wait_healthy(opts.port, server)
        if opts.report_workers:
            # Started once the first is up: its checks and collectstatic then find the
            # static files already collected instead of racing the first server for them.
            report_port = opts.port + 1
            report_env = dict(
                server_env,
                CAUNOI_BIND=f"127.0.0.1:{report_port}",
                CAUNOI_WEB_WORKERS=str(opts.report_workers),
            )
            report_server = subprocess.Popen(
                [str(ROOT / "bin/serve-production")], cwd=ROOT, env=report_env,
                stdout=subprocess.DEVNULL, stderr=open(tmp / "report-server.log", "wb"),
            )  # fmt: skip
            wait_healthy(report_port, report_server)
        workers, per_worker = gunicorn_size(server_env)
        load_before = "/".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{sum(users.values())} users for {opts.duration} s …", flush=True)
        meter = CpuMeter([p.pid for p in (server, report_server) if p is not None], dbname)
        stats.since = time.time() + opts.warmup
        stop = stats.since + opts.duration
        threads = []
        for role, keys in sessions.items():
            for i, key in enumerate(keys):
                rng = random.Random(f"{role}-{i}")
                manager = role in ("prov_manager", "nat_manager")
                browser = Browser(report_port if manager else opts.port, key)
                ctx = {"clients": clients}
                thread = threading.Thread(
                    target=simulated_user, args=(role, browser, ctx, stats, stop, rng)
                )
                thread.start()
                threads.append(thread)
        time.sleep(max(0.0, stats.since - time.time()))
        meter.start()
        for thread in threads:
            thread.join()
        cpu = meter.finish()
        load_after = "/".join(f"{x:.2f}" for x in os.getloadavg())
    finally:
        for proc in (server, report_server):
            if proc is None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    info = machine()
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM, "
        f"Python {info['python']}, PostgreSQL on the same machine",
        "setup": f"demo_data --scale {opts.scale}; {sum(users.values())} users "
        f"({', '.join(f'{n} {r}' for r, n in users.items())}) for {opts.duration} s, "
        f"think time 1–2 s, after {opts.warmup} s of the same load not counted; "
        f"gunicorn {workers} workers × {per_worker} threads (gthread), loopback"
        + (
            f"; /reports/ on a second gunicorn of {opts.report_workers} worker(s) × 2 threads."
            if opts.report_workers
            else "."
        )
        + f" PostgreSQL with the per-database settings of deploy/postgresql/caunoi.conf "
        f"({tuning}); the server's own shared_buffers.",
        "load_before": load_before,
        "load_after": load_after,
        "note": opts.note,
        "cpu": cpu_line(cpu, sum(len(v) for v in stats.times.values()), opts.duration),
    }
    section = render(stats.times, stats.errors, stats.error_kinds, meta)
    print(section)
    write_results(section)
    if not opts.keep:
        subprocess.run(
            ["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"],
            check=False,
        )


if __name__ == "__main__":
    main()
