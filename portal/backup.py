"""Backups that prove themselves: `manage.py backup DIR` and `manage.py restore_check DIR`.

A backup directory holds the database dump and `manifest.json`:
- PostgreSQL: `database.dump`, `pg_dump --format=custom`, taken from a snapshot exported by
  a REPEATABLE READ transaction in which the row counts and the audit head are read too,
  so the manifest describes exactly what the dump holds, even while users keep working;
- SQLite: `database.sqlite3`, a copy made with SQLite's online backup API; the manifest is
  read from the copy.

The manifest holds row counts per table, the audit chain's head and the applied
migrations. Whether the keys are the right ones is told by the database's own key check
row (core.keys, core.models.KeyCheck), which the dump holds like any other row. The keys
themselves are never written into a backup: they are kept apart (docs/deploy.md, "Keys").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from audit.models import AuditHead
from core.keys import KEY_UNLOADABLE, Problem, database_key_problems

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
# 2: the keys are checked against the dump's own key check row (core.keys), not against
# check values of the manifest; a format 1 backup still restores and checks the same way.
FORMAT_VERSION = 2
READABLE_FORMATS = {1, 2}
# How many stored encrypted values restore_check opens per kind of record.
SAMPLE = 20


class BackupError(Exception):
    """A backup could not be made or a restore does not match its backup."""


# --- Keys ---------------------------------------------------------------------------


def _key_problems() -> list[Problem]:
    """The keys configured against the connected database's key check value (core.keys):
    when backing up, the live database; when checking a restore, the restored one, whose
    KeyCheck row came with the dump, so the keys must be the backup's."""
    return [p for p in database_key_problems() if p.fatal]


# --- Reading the state of a database -----------------------------------------------


def _table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _audit_head(cursor: Any, quote: Any = None) -> dict[str, Any]:
    quote = quote or connection.ops.quote_name
    cursor.execute(
        f"SELECT last_entry_id, last_hash, count FROM {quote(AuditHead._meta.db_table)} "  # noqa: S608
        "WHERE id = 1"
    )
    row = cursor.fetchone()
    if row is None:
        return {"last_entry_id": 0, "last_hash": None, "count": 0}
    return {"last_entry_id": int(row[0]), "last_hash": row[1], "count": int(row[2])}


def _migrations(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return dict(sorted(latest.items()))


def current_state() -> dict[str, Any]:
    """Row counts, audit head and migrations of the database Django is connected to."""
    with connection.cursor() as cursor:
        return {
            "tables": _table_counts(cursor, connection.introspection.table_names(cursor)),
            "audit_head": _audit_head(cursor),
            "migrations": _migrations(cursor),
        }


# --- backup ---------------------------------------------------------------------------


def _prepare_dir(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new directory for each backup.")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.chmod(0o700)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # not on the command line (ps would show it)
    args = []
    for flag, value in (("--host", db.get("HOST")), ("--port", db.get("PORT"))):
        if value:
            args += [flag, str(value)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    return env, args


def _backup_postgresql(target: Path) -> tuple[str, dict[str, Any]]:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed (Debian/Ubuntu: apt install postgresql-client)."
        )
    dump = target / PG_DUMP_FILE
    env, args = _pg_env_and_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = {
                "tables": _table_counts(cursor, connection.introspection.table_names(cursor)),
                "audit_head": _audit_head(cursor),
                "migrations": _migrations(cursor),
            }
            # The dump sees exactly what this transaction sees.
            done = subprocess.run(  # noqa: S603
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", "--file", str(dump), *args],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[-1000:]}")
    dump.chmod(0o600)
    return PG_DUMP_FILE, state


def _sqlite_state(path: Path) -> dict[str, Any]:
    with sqlite3.connect(path) as copy:
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]

        def quote(name: str) -> str:
            return '"' + name.replace('"', '""') + '"'

        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
        return {
            "tables": counts,
            "audit_head": _audit_head(cursor, quote),
            "migrations": _migrations(cursor),
        }


def _backup_sqlite(target: Path) -> tuple[str, dict[str, Any]]:
    path = target / SQLITE_FILE
    connection.ensure_connection()
    source = connection.connection
    with sqlite3.connect(path) as copy:
        source.backup(copy)  # SQLite's online backup: a consistent copy while others write
    copy.close()
    path.chmod(0o600)
    return SQLITE_FILE, _sqlite_state(path)


def backup(target: Path) -> dict[str, Any]:
    """Write the dump and the manifest into `target` (a new or empty directory)."""
    problems = _key_problems()  # before the dump: a backup without its keys is no backup
    if problems:
        raise BackupError(" ".join(p.message for p in problems))
    _prepare_dir(target)
    vendor = connection.vendor
    if vendor == "postgresql":
        dump_name, state = _backup_postgresql(target)
    elif vendor == "sqlite":
        dump_name, state = _backup_sqlite(target)
    else:
        raise BackupError(f"No backup method for the {vendor} database engine.")
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": vendor,
        "dump": {"file": dump_name, "sha256": _sha256(target / dump_name)},
        **state,
    }
    manifest_path = target / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    manifest_path.chmod(0o600)
    return manifest


# --- restore_check ------------------------------------------------------------------


@dataclass
class RestoreReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{path} is missing: this is not a Cầu Nối backup directory.")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") not in READABLE_FORMATS:
        raise BackupError(f"{path}: unknown manifest format {manifest.get('format')!r}.")
    return manifest


def _encrypted_samples() -> list[tuple[str, Any]]:
    """(kind, callable that opens one stored value) for a few records of each kind."""
    from clients.models import Client
    from core.crypto import EncryptedIdentity
    from programs.models import Establishment
    from safety.models import Incident

    samples: list[tuple[str, Any]] = []
    kinds: list[tuple[str, Any, str]] = [
        ("client identity", Client, "identity_blob"),
        ("incident account", Incident, "details_blob"),
        ("establishment owner contact", Establishment, "owner_contact_blob"),
    ]
    for kind, model, blob_field in kinds:
        rows = (
            model.objects.exclude(wrapped_key=None)
            .exclude(**{blob_field: None})
            .order_by("pk")[:SAMPLE]
        )
        for row in rows:
            samples.append(
                (
                    kind,
                    lambda row=row, blob_field=blob_field: EncryptedIdentity.open(
                        row.wrapped_key, getattr(row, blob_field), row.crypto_context
                    ),
                )
            )
    return samples


def restore_check(source: Path) -> RestoreReport:
    """Compare the database Django is connected to with the backup in `source`."""
    from audit.verify import verify_chain
    from core.crypto import DecryptionError

    manifest = read_manifest(source)
    report = RestoreReport()
    dump = source / manifest["dump"]["file"]
    if not dump.exists():
        report.problems.append(f"{dump} is missing.")
    elif _sha256(dump) != manifest["dump"]["sha256"]:
        report.problems.append(f"{dump} is not the file the backup wrote (checksum differs).")

    state = current_state()
    expected, found = manifest["tables"], state["tables"]
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            report.problems.append(f"table {table} is missing ({expected[table]} rows expected).")
        elif table not in expected:
            report.problems.append(f"table {table} is not in the backup ({found[table]} rows).")
        elif expected[table] != found[table]:
            report.problems.append(
                f"table {table}: {found[table]} rows, the backup has {expected[table]}."
            )
    if not report.problems:
        report.notes.append(f"{len(found)} tables, {sum(found.values())} rows: identical.")

    result = verify_chain()
    if not result.ok:
        report.problems.append(
            f"audit log broken at entry {result.broken_entry_id}: {result.problem}."
        )
    elif state["audit_head"] != manifest["audit_head"]:
        report.problems.append("the audit log's head differs from the backup's.")
    else:
        report.notes.append(f"audit log intact: {result.checked} entries, head as in the backup.")

    problems = _key_problems()
    report.problems += [f"the keys provided are not this backup's: {p.message}" for p in problems]
    if any(p.id == KEY_UNLOADABLE for p in problems):
        return report
    samples = _encrypted_samples()
    failed: dict[str, int] = {}
    for kind, open_value in samples:
        try:
            open_value()
        except DecryptionError:
            failed[kind] = failed.get(kind, 0) + 1
    for kind, count in failed.items():
        report.problems.append(f"{count} stored {kind} values do not open with the keys provided.")
    if samples and not failed:
        report.notes.append(f"{len(samples)} stored encrypted values open with the keys provided.")
    elif not samples:
        report.notes.append("no encrypted values stored yet: only the key check value compared.")
    return report
