"""Fill a PostgreSQL database to national volume (1 M or 10 M outreach contacts).

    .venv/bin/python bench/scale/generate.py \
        --database-url postgres://postgres@127.0.0.1:5432/NAME --contacts 1000000

What it does (bench/README.md, "National scale"):

1. drops and creates the database NAME (refused for caunoi, postgres, test, template*),
   writes fresh key files and a secret into --keys-dir (default /tmp/caunoi-scale/NAME),
   runs the project's `manage.py migrate` and `manage.py demo_data` (areas: all 34
   provinces, 3,321 communes, the pre-reform communes and their conversions; the demo
   organisations, users and records, so that the demo logins work);
2. adds, in Python (a few thousand rows, COPY): organisations, support models, peer groups
   with their communes, peers (users, grants, memberships), coordinators, provincial
   managers, provider staff, hotline counsellors, establishments and the providers'
   services in every province (every service type in every province);
3. fills the client-level tables in SQL (`INSERT … SELECT … generate_series`, one statement
   per table): clients = contacts/20, outreach contacts, distributions, service deliveries
   = contacts/4 with the demo data's mix of service types and sources, referrals (completed
   ones with their delivery), group activities with participants, hotline calls, violence
   incidents, consents. Dates run over 2022-01-01..2025-12-31, growing over time; 15 % of
   the records dated before 1 July 2025 name a pre-reform commune only. Categorical mixes
   (sex, gender identity, population groups, status, place types, head counts, topics,
   needs, activity kinds, call topics, incident shapes, distributed items) are sampled from
   the demo data's own rows. Identity fields stay empty: no name, phone or nickname exists;
4. runs `manage.py reports_rebuild_aggregates` when the project has that command, then
   ANALYZE, and writes `scale.json` (sizes, timings, logins to use) into --keys-dir.

Nothing identifying is printed. Every random choice is seeded (--seed): the same command
gives the same database.

--project DIR says whose migrations and commands to run (default: the current directory
when it holds manage.py, else this checkout), so another branch can generate into its own
database with its own schema.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scalegen.common import log  # noqa: E402
from scalegen.database import check_foreign_keys, drop_secondary_indexes, fill  # noqa: E402
from scalegen.filler import Filler  # noqa: E402

__all__ = ["Filler", "check_foreign_keys", "drop_secondary_indexes", "fill", "main"]

FORBIDDEN_DBS = {"caunoi", "postgres", "test"}
KEY_FILES = ("master.key", "blind_index.key", "secret_key")


def project_dir(given: str | None) -> Path:
    if given:
        path = Path(given).resolve()
    elif (Path.cwd() / "manage.py").exists():
        path = Path.cwd().resolve()
    else:
        path = HERE.parent.parent
    if not (path / "manage.py").exists():
        raise SystemExit(f"No manage.py in {path}: give --project.")
    return path


def child_env(db_url: str, keys: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAUNOI_", "DATABASE_URL"))}
    secret_file = keys / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50))
        secret_file.chmod(0o600)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=db_url,
        CAUNOI_LOCAL_DIR=str(keys),
        CAUNOI_SECRET_KEY=secret_file.read_text().strip(),
        CAUNOI_MASTER_KEY_FILE=str(keys / "master.key"),
        CAUNOI_BLIND_INDEX_KEY_FILE=str(keys / "blind_index.key"),
        CAUNOI_LOG_LEVEL="WARNING",
        CAUNOI_REQUEST_LOG="0",
    )
    return env


def write_keys(keys: Path) -> None:
    keys.mkdir(parents=True, exist_ok=True)
    keys.chmod(0o700)
    for name in ("master", "blind_index"):
        path = keys / f"{name}.key"
        if not path.exists():
            path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)


def manage(project: Path, env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    python = project / ".venv/bin/python"
    cmd = [str(python if python.exists() else sys.executable), "manage.py", *args]
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed ({result.returncode})")
    return time.monotonic() - started


def has_command(project: Path, env: dict[str, str], name: str) -> bool:
    python = project / ".venv/bin/python"
    cmd = [str(python if python.exists() else sys.executable), "manage.py", "help", "--commands"]
    out = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=True)
    return name in out.stdout.split()


def service_types(project: Path, env: dict[str, str]) -> list[tuple[str, str, str]]:
    """(code, category, English label) of every service type, from the project's taxonomy."""
    code = (
        "import json, django; django.setup()\n"
        "from django.utils import translation\n"
        "from directory.taxonomy import SERVICE_TYPES\n"
        "translation.activate('vi')\n"
        "print(json.dumps([(t.code, t.category, str(t.label)) for t in SERVICE_TYPES.values()]))"
    )
    python = project / ".venv/bin/python"
    cmd = [str(python if python.exists() else sys.executable), "-c", code]
    out = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=True)
    return [tuple(row) for row in json.loads(out.stdout.strip().splitlines()[-1])]  # type: ignore[misc]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--project", help="checkout whose manage.py to run (default: cwd)")
    parser.add_argument("--keys-dir", help="default /tmp/caunoi-scale/NAME")
    parser.add_argument("--seed", type=float, default=0.16)
    parser.add_argument(
        "--reuse-seed",
        action="store_true",
        help="clone NAME_seed (migrated, demo data loaded; kept by an earlier run) instead of "
        "running migrate and demo_data from scratch (migrate still runs)",
    )
    parser.add_argument(
        "--seed-from",
        metavar="DB",
        help="clone this seed database (a NAME_seed kept by an earlier run, e.g. "
        "s16gen_1m_seed) and copy its keys from KEYS_PARENT/DB; migrate then applies this "
        "project's newer migrations",
    )
    return parser.parse_args(argv)


def scratch_database(database_url: str) -> str:
    """The database's name, refused unless it is a scratch PostgreSQL database."""
    url = urllib.parse.urlparse(database_url)
    dbname = url.path.lstrip("/")
    if (
        url.scheme not in ("postgres", "postgresql")
        or dbname in FORBIDDEN_DBS
        or dbname.startswith("template")
        or not re.fullmatch(r"[a-z0-9_]+", dbname)
    ):
        raise SystemExit(f"Refusing database {dbname!r}: give a scratch PostgreSQL database.")
    return dbname


def copy_keys(source: Path, target: Path) -> None:
    for name in KEY_FILES:
        (target / name).write_bytes((source / name).read_bytes())
        (target / name).chmod(0o600)


def create_database(admin: str, dbname: str, seed_from: str | None) -> bool:
    """NAME dropped and created again, cloned from the seed database when given; whether it
    was cloned."""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        if seed_from:
            have_seed = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (seed_from,)
            ).fetchone()
            if not have_seed:
                raise SystemExit(f"No seed database {seed_from}: run once without it.")
        cloned = bool(seed_from)
        if cloned:
            conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{seed_from}"')
        else:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    return cloned


def load_demo_data(
    project: Path, env: dict[str, str], admin: str, dbname: str, keys: Path
) -> float:
    """demo_data, then the database kept as NAME_seed with its keys (for --reuse-seed)."""
    seconds = round(manage(project, env, "demo_data"), 1)
    log(f"  demo_data {seconds:.0f} s")
    seed_db = f"{dbname}_seed"
    # Kept as a template for --reuse-seed (the same keys dir opens its demo identities).
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{seed_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{seed_db}" TEMPLATE "{dbname}"')
    seed_keys = keys.parent / seed_db
    write_keys(seed_keys)
    copy_keys(keys, seed_keys)
    return seconds


def analyze(database_url: str) -> tuple[dict[str, int], str]:
    """ANALYZE, then the live rows of the big tables and the database's size."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        cur = conn.execute(
            """SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname IN
            ('clients_client', 'outreach_outreachcontact', 'referrals_servicedelivery',
             'referrals_referral', 'activities_activity', 'activities_hotlinecall',
             'safety_incident', 'outreach_distribution') ORDER BY relname"""
        )
        totals = {name: int(n) for name, n in cur.fetchall()}
        db_size = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()[0]  # type: ignore[index]
    return totals, db_size


def prepare_keys(opts: argparse.Namespace, dbname: str) -> tuple[Path, str | None]:
    """The keys dir written (with the seed's keys when cloning) and the seed database."""
    keys = Path(opts.keys_dir or f"/tmp/caunoi-scale/{dbname}")
    seed_from = opts.seed_from or (f"{dbname}_seed" if opts.reuse_seed else None)
    if seed_from and not re.fullmatch(r"[a-z0-9_]+", seed_from):
        raise SystemExit(f"Refusing seed database {seed_from!r}.")
    write_keys(keys)
    if seed_from:
        # The seed's demo identities were encrypted with the seed's keys.
        seed_keys = keys.parent / seed_from
        for name in KEY_FILES:
            if not (seed_keys / name).exists():
                raise SystemExit(f"{seed_keys / name} missing: the seed's keys are needed.")
        copy_keys(seed_keys, keys)
    return keys, seed_from


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    dbname = scratch_database(opts.database_url)
    if opts.contacts < 2000:
        raise SystemExit("--contacts must be at least 2000")
    project = project_dir(opts.project)
    keys, seed_from = prepare_keys(opts, dbname)
    env = child_env(opts.database_url, keys)
    started = time.monotonic()
    timings: dict[str, float] = {}

    url = urllib.parse.urlparse(opts.database_url)
    admin = urllib.parse.urlunparse(url._replace(path="/postgres"))
    cloned = create_database(admin, dbname, seed_from)
    log(
        f"database {dbname} {'cloned from ' + str(seed_from) if cloned else 'created'}; "
        f"project {project}; keys in {keys}"
    )
    timings["migrate"] = round(manage(project, env, "migrate", "--noinput"), 1)
    log(f"  migrate {timings['migrate']:.0f} s")
    if not cloned:
        # Reference rows, the demo logins, and the rows whose mixes are sampled.
        timings["demo_data"] = load_demo_data(project, env, admin, dbname, keys)
    types = service_types(project, env)

    with psycopg.connect(opts.database_url) as conn:
        filler = fill(conn, opts.contacts, opts.seed, types)
        timings.update(filler.timings)

    if has_command(project, env, "reports_rebuild_aggregates"):
        timings["reports_rebuild_aggregates"] = round(
            manage(project, env, "reports_rebuild_aggregates"), 1
        )
        log(f"  reports_rebuild_aggregates {timings['reports_rebuild_aggregates']:.0f} s")
    t0 = time.monotonic()
    totals, db_size = analyze(opts.database_url)
    timings["analyze"] = round(time.monotonic() - t0, 1)
    total = round(time.monotonic() - started, 1)
    manifest: dict[str, Any] = {
        "database": dbname,
        "contacts_requested": opts.contacts,
        "rows": totals,
        "generated": filler.sizes,
        "database_size": db_size,
        "seconds": total,
        "timings": timings,
        "logins": filler.logins_found,
        "project": str(project),
        "keys_dir": str(keys),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": os.getloadavg()[0],
    }
    (keys / "scale.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    log(f"  analyze {timings['analyze']:.0f} s")
    log(f"done in {total:.0f} s ({db_size}); rows: {json.dumps(totals)}")
    log(f"manifest: {keys / 'scale.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
