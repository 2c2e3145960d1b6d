"""backup → restore → restore_check, on the engine the suite runs on (PostgreSQL in CI:
pg_dump / pg_restore into a new database; SQLite: the online backup API)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEntry
from clients.models import Client
from clients.tests.conftest import register
from conftest import build_world
from portal.backup import MANIFEST

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _populate() -> None:
    world = build_world()
    register(world)
    register(world, given_name="Mai", name="Trần Thị Mai", phone="0987 654 321")
    assert Client.objects.exclude(identity_blob=None).count() == 2
    assert AuditEntry.objects.exists()


def _restore_check(source: Path, db_env: dict[str, str], **keys: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CAUNOI_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "CAUNOI_MASTER_KEY_FILE": str(settings.MASTER_KEY_FILE),
            "CAUNOI_BLIND_INDEX_KEY_FILE": str(settings.BLIND_INDEX_KEY_FILE),
            "CAUNOI_REQUEST_LOG": "0",
            **db_env,
            **keys,
        }
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore_check", str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check_manifest(source: Path) -> dict:
    manifest = json.loads((source / MANIFEST).read_text())
    assert manifest["tables"]["clients_client"] == 2
    assert manifest["tables"][AuditEntry._meta.db_table] == AuditEntry.objects.count()
    assert manifest["audit_head"]["count"] == AuditEntry.objects.count()
    _version, _, raw = settings.MASTER_KEY_FILE.read_text().strip().partition(":")
    text = (source / MANIFEST).read_text()
    assert raw not in text  # never the key itself
    assert settings.BLIND_INDEX_KEY_FILE.read_text().strip() not in text
    assert (source / MANIFEST).stat().st_mode & 0o077 == 0
    return manifest


def _assert_restore_proven(source: Path, db_env: dict[str, str]) -> None:
    done = _restore_check(source, db_env)
    assert done.returncode == 0, done.stderr
    assert "identical" in done.stdout
    assert "2 stored encrypted values open" in done.stdout
    assert "Restore check passed." in done.stdout

    wrong = _restore_check(source, db_env, CAUNOI_MASTER_KEY=_random_key())
    assert wrong.returncode != 0
    assert "the keys provided are not this backup's: The master key" in wrong.stderr
    assert "2 stored client identity values do not open" in wrong.stderr

    blind = _restore_check(source, db_env, CAUNOI_BLIND_INDEX_KEY=_random_key())
    assert blind.returncode != 0
    assert "the keys provided are not this backup's: The blind index key" in blind.stderr

    missing = _restore_check(source, db_env, CAUNOI_BLIND_INDEX_KEY_FILE="/nonexistent/blind.key")
    assert missing.returncode != 0
    assert "its key cannot be loaded" in missing.stderr
    assert "/nonexistent/blind.key" in missing.stderr


def test_it_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "old").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path))


def test_it_refuses_a_directory_without_a_manifest(tmp_path):
    with pytest.raises(CommandError, match="not a Cầu Nối backup"):
        call_command("restore_check", str(tmp_path))


@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="PostgreSQL client not installed")
def test_postgresql_backup_restores_into_a_new_database_and_proves_itself(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL path runs when the suite runs on PostgreSQL")
    _populate()
    source = tmp_path / "backup"
    call_command("backup", str(source))
    _check_manifest(source)
    assert (source / "database.dump").stat().st_mode & 0o077 == 0

    db = connection.settings_dict
    restored = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    quoted = connection.ops.quote_name(restored)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        pg = ["--host", str(db["HOST"] or "127.0.0.1"), "--port", str(db["PORT"] or 5432)]
        pg += ["--username", str(db["USER"])]
        done = subprocess.run(  # noqa: S603
            [shutil.which("pg_restore"), *pg, "--no-owner", "--exit-on-error",
             "--dbname", restored, str(source / "database.dump")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{restored}"
        _assert_restore_proven(source, {"DATABASE_URL": url})

        # A restore that lost rows is caught, table by table.
        subprocess.run(  # noqa: S603
            [shutil.which("psql"), *pg, "--dbname", restored, "-c",
             "DELETE FROM clients_consent WHERE id = (SELECT MIN(id) FROM clients_consent)"],
            check=True, capture_output=True,
        )  # fmt: skip
        short = _restore_check(source, {"DATABASE_URL": url})
        assert short.returncode != 0
        assert "table clients_consent:" in short.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def test_sqlite_backup_restores_as_a_file_and_proves_itself(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path runs when the suite runs on SQLite")
    _populate()
    source = tmp_path / "backup"
    call_command("backup", str(source))
    _check_manifest(source)
    restored = tmp_path / "restored.sqlite3"
    shutil.copy(source / "database.sqlite3", restored)
    _assert_restore_proven(source, {"CAUNOI_SQLITE_PATH": str(restored)})

    with sqlite3.connect(restored) as db:
        db.execute("DELETE FROM clients_consent WHERE id = (SELECT MIN(id) FROM clients_consent)")
    short = _restore_check(source, {"CAUNOI_SQLITE_PATH": str(restored)})
    assert short.returncode != 0
    assert "table clients_consent:" in short.stderr
