"""Keys are never generated silently; a missing, corrupt or wrong key stops the start with
a message naming the file or variable; master key rotation makes erasure final."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from clients.erasure import client_erase
from clients.models import Client
from clients.tests.conftest import NAME, register
from core import crypto, keys
from core.checks import check_keys
from core.models import KeyCheck

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def key_files(tmp_path: Path, settings: Any) -> Any:
    """This test's own copy of the test keys (rotation rewrites the file)."""
    master = tmp_path / "master.key"
    blind = tmp_path / "blind_index.key"
    shutil.copy(django_settings.MASTER_KEY_FILE, master)
    shutil.copy(django_settings.BLIND_INDEX_KEY_FILE, blind)
    settings.MASTER_KEY_FILE = master
    settings.BLIND_INDEX_KEY_FILE = blind
    settings.KEY_ROTATION_GRACE_SECONDS = 0
    crypto.forget_keys()
    KeyCheck.objects.all().delete()
    keys.record_key_check()
    yield master, blind
    crypto.forget_keys()


def _ids() -> set[str]:
    return {m.id for m in check_keys() if m.level >= 40 and m.id}


def test_it_starts_with_the_right_keys(world: Any, key_files: Any) -> None:
    register(world)
    assert _ids() == set()


def test_it_refuses_a_missing_master_key_and_never_makes_a_new_one(
    world: Any, key_files: Any
) -> None:
    master, _ = key_files
    register(world)
    master.unlink()
    crypto.forget_keys()
    errors = [m for m in check_keys() if m.id == "caunoi.E002"]
    assert errors and str(master) in errors[0].msg
    assert "CAUNOI_MASTER_KEY_FILE" in str(errors[0].hint)
    with pytest.raises(CommandError, match="restore"):
        call_command("keys_init")
    assert not master.exists()  # nothing generated
    with pytest.raises(crypto.KeyUnavailable):
        crypto.master_key()


def test_it_refuses_a_malformed_key(world: Any, key_files: Any) -> None:
    master, blind = key_files
    register(world)
    master.write_text("1:not-a-key\n")
    blind.write_text("short\n")
    crypto.forget_keys()
    errors = [m for m in check_keys() if m.id == "caunoi.E002"]
    assert len(errors) == 2
    assert any(str(master) in e.msg for e in errors) and any(str(blind) in e.msg for e in errors)


def test_it_refuses_a_key_that_does_not_open_the_key_check_value(
    world: Any, key_files: Any
) -> None:
    master, blind = key_files
    register(world)
    master.write_text(f"1:{crypto.encode_key(secrets.token_bytes(32))}\n")
    blind.write_text(crypto.encode_key(secrets.token_bytes(32)) + "\n")
    crypto.forget_keys()
    assert {"caunoi.E004", "caunoi.E005"} <= _ids()
    with pytest.raises(SystemExit, match="refuses to start"):
        keys.refuse_to_start()


def test_it_asks_for_keys_init_on_a_database_with_data_but_no_check_value(
    world: Any, key_files: Any
) -> None:
    register(world)
    KeyCheck.objects.all().delete()
    assert "caunoi.E003" in _ids()
    call_command("keys_init")  # verifies the key against the stored data keys, records
    assert KeyCheck.objects.count() == 1 and _ids() == set()


def test_it_creates_keys_only_by_keys_init_on_an_empty_database(
    db: Any, tmp_path: Path, settings: Any
) -> None:
    KeyCheck.objects.all().delete()
    settings.MASTER_KEY_FILE = tmp_path / "k" / "master.key"
    settings.BLIND_INDEX_KEY_FILE = tmp_path / "k" / "blind_index.key"
    crypto.forget_keys()
    with pytest.raises(crypto.KeyUnavailable):
        crypto.blind_index("phone", "0912345678")  # using a key never creates it
    assert not settings.MASTER_KEY_FILE.exists()
    warnings = {m.id for m in check_keys()}
    assert "caunoi.W003" in warnings and not _ids()  # a new database: a warning, not a stop
    call_command("keys_init")
    assert settings.MASTER_KEY_FILE.exists() and settings.BLIND_INDEX_KEY_FILE.exists()
    assert oct(settings.MASTER_KEY_FILE.stat().st_mode)[-3:] == "600"
    assert KeyCheck.objects.count() == 1 and _ids() == set()
    crypto.forget_keys()


def test_keys_init_creates_no_key_while_the_database_cannot_be_read(
    world: Any, tmp_path: Path, settings: Any
) -> None:
    """Whether the database holds encrypted data cannot be known while it is down: a new
    key then could be one for a database full of data (the real key must be restored)."""
    from unittest import mock

    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    register(world)
    settings.MASTER_KEY_FILE = tmp_path / "k" / "master.key"
    settings.BLIND_INDEX_KEY_FILE = tmp_path / "k" / "blind_index.key"
    crypto.forget_keys()
    down = OperationalError("connection to server failed")
    try:
        with (
            mock.patch.object(CursorWrapper, "execute", side_effect=down),
            mock.patch(
                "django.db.backends.base.introspection.BaseDatabaseIntrospection.table_names",
                side_effect=down,
            ),
            pytest.raises(CommandError, match="database"),
        ):
            call_command("keys_init")
        assert not settings.MASTER_KEY_FILE.exists()
        assert not settings.BLIND_INDEX_KEY_FILE.exists()
    finally:
        crypto.forget_keys()


def test_it_refuses_production_without_explicit_key_locations(settings: Any, db: Any) -> None:
    settings.PRODUCTION = True
    settings.KEY_LOCATIONS_EXPLICIT = False
    assert "caunoi.E001" in _ids()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAUNOI_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # a scratch SQLite file, never the suite's PostgreSQL
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **extra})
    return env


def test_it_fails_the_deploy_check_in_production_without_a_secret_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_env(CAUNOI_PRODUCTION="1", CAUNOI_ALLOWED_HOSTS="example.org"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "CAUNOI_SECRET_KEY" in result.stderr


def test_it_fails_the_deploy_check_in_production_without_key_locations(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_env(
            CAUNOI_PRODUCTION="1",
            CAUNOI_SECRET_KEY=secrets.token_urlsafe(50),
            CAUNOI_ALLOWED_HOSTS="example.org",
            CAUNOI_SQLITE_PATH=str(tmp_path / "empty.sqlite3"),
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "caunoi.E001" in result.stderr and "CAUNOI_MASTER_KEY_FILE" in result.stderr


# --- Rotation: erasure final for every copy -------------------------------------------


def test_it_makes_an_old_copy_of_an_erased_key_unreadable_after_rotation(
    world: Any, key_files: Any
) -> None:
    master, _ = key_files
    erased = register(world)
    kept = register(world, name="Trần Thị Mai", phone="0987 654 321", given_name="Mai")
    # What a dead row, the WAL or a backup still holds after the erasure:
    assert erased.wrapped_key and erased.identity_blob
    old_copy = bytes(erased.wrapped_key)
    old_blob = bytes(erased.identity_blob)
    client_erase(actor=world.leader, client=erased, reason="Client asked")
    assert keys.erasure_pending()
    # Before rotation the copy still opens with the master key: not final yet.
    crypto.decrypt_fields(
        crypto.unwrap_key(old_copy, erased.crypto_context), old_blob, erased.crypto_context
    )

    report = keys.rotate_master_key(grace_seconds=0)

    assert report.destroyed == [1] and report.new_version == 2
    assert master.read_text().startswith("2:") and len(master.read_text().splitlines()) == 1
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(old_copy, erased.crypto_context)
    kept.refresh_from_db()
    assert crypto.wrapped_version(bytes(kept.wrapped_key or b"")) == 2
    opened = crypto.EncryptedIdentity.open(
        kept.wrapped_key, kept.identity_blob, kept.crypto_context
    )
    assert opened["name"] == "Trần Thị Mai"
    assert not keys.erasure_pending() and _ids() == set()  # the key check was re-wrapped too
    # A second run (the task retried) changes nothing that matters.
    call_command("keys_rotate", "--if-erasures")
    assert master.read_text().startswith("2:")


def test_it_rotates_every_model_that_holds_a_wrapped_key(world: Any, key_files: Any) -> None:
    names = {m._meta.label for m in keys.encrypted_models()}
    assert {"clients.Client", "safety.Incident", "programs.Establishment", "core.KeyCheck"} <= names
    client = register(world)
    keys.rotate_master_key(grace_seconds=0)
    client.refresh_from_db()
    assert crypto.wrapped_version(bytes(client.wrapped_key or b"")) == 2
    assert Client.objects.get(pk=client.pk).name_index  # blind indexes untouched
    assert NAME  # (the identity opens: checked above for another client)


def test_it_reads_a_data_key_wrapped_by_an_earlier_release(world: Any, key_files: Any) -> None:
    """Rows written before key versions (60-byte wrapped keys) are version 1."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data_key = crypto.new_data_key()
    nonce = secrets.token_bytes(12)
    legacy = nonce + AESGCM(crypto.key_ring().keys[1]).encrypt(nonce, data_key, b"ctx")
    assert crypto.wrapped_version(legacy) == 1
    assert crypto.unwrap_key(legacy, "ctx") == data_key


# --- The real start: manage.py and the WSGI entry point, in their own processes ---------


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: Any) -> Any:
    """A migrated SQLite database with its keys made by keys_init, as `make run` does."""
    base = tmp_path_factory.mktemp("deployed")
    env = _env(CAUNOI_LOCAL_DIR=str(base / "local"), CAUNOI_SQLITE_PATH=str(base / "db.sqlite3"))
    for command in (["migrate", "--noinput"], ["keys_init"]):
        subprocess.run(  # noqa: S603  (the test's own fixed arguments)
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    assert _start(env).returncode == 0  # the keys keys_init made open the database
    return base, env


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("damage", ["missing", "corrupt", "other key"])
def test_the_wsgi_server_refuses_to_start_with_a_bad_master_key(deployed: Any, damage: str) -> None:
    base, env = deployed
    master = base / "local" / "master.key"
    saved = master.read_text()
    try:
        if damage == "missing":
            master.unlink()
        elif damage == "corrupt":
            master.write_text(saved[:20] + "\n")
        else:
            master.write_text(f"1:{crypto.encode_key(secrets.token_bytes(32))}\n")
        result = _start(env)
        assert result.returncode != 0
        assert "refuses to start" in result.stderr and str(master) in result.stderr
        if damage != "other key":
            return
        check = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert check.returncode != 0 and str(master) in check.stderr
        master.unlink()
        again = subprocess.run(
            [sys.executable, "manage.py", "keys_init"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert again.returncode != 0 and not master.exists()  # no new key, ever
    finally:
        master.write_text(saved)


def test_gunicorn_stops_with_a_bad_key_instead_of_restarting_workers(deployed: Any) -> None:
    """Under gunicorn the WSGI module is loaded in each worker: a refusal must stop the
    whole server (gunicorn halts on a worker that fails to boot), never leave the master
    respawning workers that each refuse, forever, while the port stays open."""
    import socket

    base, env = deployed
    master = base / "local" / "master.key"
    saved = master.read_text()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gunicorn = Path(sys.executable).parent / "gunicorn"
    try:
        master.write_text(f"1:{crypto.encode_key(secrets.token_bytes(32))}\n")
        result = subprocess.run(  # noqa: S603  (the test's own fixed arguments)
            [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "config.wsgi"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired as exc:  # still respawning workers
        pytest.fail(f"gunicorn kept running with a wrong key: {exc.stderr!r}"[:2000])
    finally:
        master.write_text(saved)
    assert result.returncode != 0
    assert "refuses to start" in result.stderr and str(master) in result.stderr
    assert result.stderr.count("Booting worker") <= 2  # no restart loop


def test_it_warns_in_production_that_a_master_key_in_the_environment_cannot_rotate(
    world: Any, key_files: Any, settings: Any, monkeypatch: Any
) -> None:
    master, _ = key_files
    monkeypatch.setenv("CAUNOI_MASTER_KEY", master.read_text().strip())
    settings.PRODUCTION = True
    settings.KEY_LOCATIONS_EXPLICIT = True
    crypto.forget_keys()
    assert "caunoi.W004" in {m.id for m in check_keys()} and _ids() == set()
    with pytest.raises(crypto.KeyUnavailable, match="CAUNOI_MASTER_KEY_FILE"):
        keys.rotate_master_key(grace_seconds=0)


def test_it_schedules_the_daily_rotation_and_rotates_only_after_an_erasure(
    world: Any, key_files: Any
) -> None:
    from django_q.models import Schedule

    from core.tasks import rotate_master_key_if_due

    schedule = Schedule.objects.get(name="core-master-key-rotation")
    assert schedule.func == "core.tasks.rotate_master_key_if_due"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1
    master, _ = key_files
    client = register(world)
    assert rotate_master_key_if_due() == {"rotated": False}
    assert master.read_text().startswith("1:")
    client_erase(actor=world.leader, client=client, reason="Client asked")
    assert rotate_master_key_if_due()["rotated"] is True
    assert rotate_master_key_if_due() == {"rotated": False}  # run twice: done once


def test_a_corrected_phone_left_in_an_old_copy_becomes_unreadable_after_rotation(
    world: Any, key_files: Any
) -> None:
    from clients.services import client_update

    client = register(world)
    assert client.wrapped_key and client.identity_blob
    old_key, old_blob = bytes(client.wrapped_key), bytes(client.identity_blob)
    client_update(
        actor=world.peer,
        client=client,
        birth_year=client.birth_year,
        sex=client.sex,
        gender_identity=client.gender_identity,
        population_groups=list(client.population_groups.all()),
        commune=client.commune,
        establishment=client.establishment,
        identity={"name": NAME, "nickname": "", "phone": "", "notes": ""},  # phone removed
    )
    assert keys.erasure_pending()
    keys.rotate_master_key(grace_seconds=0)
    with pytest.raises(crypto.DecryptionError):
        crypto.EncryptedIdentity.open(old_key, old_blob, client.crypto_context)
    client.refresh_from_db()
    live = crypto.EncryptedIdentity.open(
        client.wrapped_key, client.identity_blob, client.crypto_context
    )
    assert live["name"] == NAME and live["phone"] == ""


def test_it_refuses_production_with_a_missing_secret_key_file(settings: Any, db: Any) -> None:
    settings.PRODUCTION = True
    settings.SECRET_KEY_PRESENT = False
    assert "caunoi.E006" in _ids()
    settings.PRODUCTION = False
    assert "caunoi.W002" in {m.id for m in check_keys()} and "caunoi.E006" not in _ids()


def test_keys_init_refuses_to_record_a_check_value_with_another_key(
    world: Any, key_files: Any
) -> None:
    """An upgraded database (data, no check value yet) served with the wrong key: keys_init
    tries the stored data keys and refuses, so the wrong key is never adopted."""
    master, _ = key_files
    register(world)
    KeyCheck.objects.all().delete()
    master.write_text(f"1:{crypto.encode_key(secrets.token_bytes(32))}\n")
    crypto.forget_keys()
    with pytest.raises(CommandError, match="not this database's key"):
        call_command("keys_init")
    assert not KeyCheck.objects.exists() and "caunoi.E003" in _ids()
