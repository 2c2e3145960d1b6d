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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu import CpuMeter
from harness import ROOT, machine, percentile, run_child
from load_users import Browser, Stats, sessions_and_clients, simulated_user

__all__ = ["CpuMeter", "Stats", "cpu_line", "deployment_settings", "gunicorn_size", "main"]

RESULTS = ROOT / "bench" / "RESULTS.md"
FIELD_P95 = 0.150
REPORT_P95 = 1.0
FORBIDDEN_DBS = {"caunoi", "test", "postgres", "template0", "template1"}

# Simulated users per role, out of 50 (scaled for --users).
MIX = {"peer": 38, "provider": 6, "coordinator": 3, "prov_manager": 2, "nat_manager": 1}


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


def parse_args() -> argparse.Namespace:
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
    return parser.parse_args()


def child_env(db_url: str, tmp: Path) -> dict[str, str]:
    """Keys written into `tmp` (when missing) and the environment of manage.py and the server."""
    for name in ("master", "blind_index"):
        path = tmp / f"{name}.key"
        if not path.exists():
            path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAUNOI_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=db_url,
        CAUNOI_LOCAL_DIR=str(tmp),
        CAUNOI_SECRET_KEY=secrets.token_urlsafe(50),
        CAUNOI_MASTER_KEY_FILE=str(tmp / "master.key"),
        CAUNOI_BLIND_INDEX_KEY_FILE=str(tmp / "blind_index.key"),
        CAUNOI_ALLOWED_HOSTS="localhost",
        CAUNOI_STATIC_ROOT=str(tmp / "static"),
        CAUNOI_LOG_LEVEL="WARNING",
        CAUNOI_REQUEST_LOG="0",
    )
    return env


def build_database(opts: argparse.Namespace, admin: str, dbname: str, env: dict[str, str]) -> None:
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


def production_env(opts: argparse.Namespace, env: dict[str, str]) -> dict[str, str]:
    server_env = dict(env, CAUNOI_PRODUCTION="1", CAUNOI_BIND=f"127.0.0.1:{opts.port}")
    server_env["CAUNOI_MIGRATE_ON_START"] = "0"
    if opts.workers:
        server_env["CAUNOI_WEB_WORKERS"] = str(opts.workers)
    if opts.threads:
        server_env["CAUNOI_WEB_THREADS"] = str(opts.threads)
    return server_env


def serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(ROOT / "bin/serve-production")], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=open(log, "wb"),
    )  # fmt: skip


def report_server_env(opts: argparse.Namespace, server_env: dict[str, str]) -> dict[str, str]:
    return dict(
        server_env,
        CAUNOI_BIND=f"127.0.0.1:{opts.port + 1}",
        CAUNOI_WEB_WORKERS=str(opts.report_workers),
    )


def run_users(
    opts: argparse.Namespace,
    sessions: dict[str, list[str]],
    clients: list[str],
    stats: Stats,
    report_port: int,
    meter: CpuMeter,
) -> dict[str, float]:
    """Every simulated user in its thread, through the warm-up and the measured duration;
    the CPU seconds of the measured part."""
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
    return meter.finish()


def stop_servers(*procs: subprocess.Popen[bytes] | None) -> None:
    for proc in procs:
        if proc is None:
            continue
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_meta(
    opts: argparse.Namespace, users: dict[str, int], size: tuple[int, int], tuning: str
) -> dict[str, Any]:
    """The run's description in the results (machine, setup), without the measurements."""
    workers, per_worker = size
    info = machine()
    return {
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
    }


def main() -> None:
    opts = parse_args()
    url = urllib.parse.urlparse(opts.db_url)
    dbname = url.path.lstrip("/")
    if dbname in FORBIDDEN_DBS or not re.fullmatch(r"[a-z0-9_]+", dbname):
        raise SystemExit(f"Refusing database {dbname!r}: give a scratch database of your own.")
    admin = opts.db_url.rsplit("/", 1)[0] + "/postgres"
    tmp = Path(opts.keys_dir) if opts.keys_dir else Path(tempfile.mkdtemp(prefix="caunoi-load-"))
    print(f"keys and static files in {tmp}", flush=True)
    env = child_env(opts.db_url, tmp)
    if not opts.reuse:
        build_database(opts, admin, dbname, env)

    tuning = tune_database(opts.db_url, dbname)
    os.environ.clear()
    os.environ.update(env)
    total = sum(MIX.values())
    users = {role: max(1, round(n * opts.users / total)) for role, n in MIX.items()}
    sessions, clients = sessions_and_clients(users)

    server_env = production_env(opts, env)
    server = serve(server_env, tmp / "server.log")
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
            report_env = report_server_env(opts, server_env)
            report_server = serve(report_env, tmp / "report-server.log")
            wait_healthy(report_port, report_server)
        size = gunicorn_size(server_env)
        load_before = "/".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"{sum(users.values())} users for {opts.duration} s …", flush=True)
        meter = CpuMeter([p.pid for p in (server, report_server) if p is not None], dbname)
        cpu = run_users(opts, sessions, clients, stats, report_port, meter)
        load_after = "/".join(f"{x:.2f}" for x in os.getloadavg())
    finally:
        stop_servers(server, report_server)
    meta = run_meta(opts, users, size, tuning)
    meta.update(
        load_before=load_before,
        load_after=load_after,
        note=opts.note,
        cpu=cpu_line(cpu, sum(len(v) for v in stats.times.values()), opts.duration),
    )
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
