"""Key set-up, verification and master key rotation (see core.crypto).

- `init_keys` (manage.py keys_init) is the only code that creates key files, and it
  refuses to create a master or blind index key for a database that already holds
  encrypted data: a new key would not open it.
- `key_problems` (run by core.checks at every start) finds a missing, malformed or wrong
  key before anything is served.
- `rotate_master_key` (manage.py keys_rotate, the daily task) makes erasure final for
  every copy of an erased data key (dead rows, WAL, backups): it re-wraps the live data
  keys under a new master key version and destroys the old versions.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from . import crypto
from .crypto import DecryptionError, KeyRing, KeyUnavailable

if TYPE_CHECKING:
    from .models import KeyCheck

CHECK_VALUE = b"Cau Noi key check value, v1....."  # 32 bytes, wrapped like a data key
BLIND_CHECK_KIND = "keycheck"
BLIND_CHECK_VALUE = "cau noi key check"
_BATCH = 500


def encrypted_models() -> list[type[models.Model]]:
    """Every model whose rows carry a data key wrapped by the master key."""
    return [
        model
        for model in apps.get_models()
        if any(f.name == "wrapped_key" for f in model._meta.concrete_fields)
    ]


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _key_check() -> KeyCheck | None:
    from .models import KeyCheck

    if KeyCheck._meta.db_table not in _tables():
        return None
    return KeyCheck.objects.order_by("pk").first()


def database_holds_encrypted_data() -> bool:
    """True once any record that keys protect (a data key, a blind index) or the key check
    value is in the database. Missing tables (before `migrate`) hold nothing."""
    tables = _tables()
    for model in encrypted_models():
        if model._meta.db_table in tables and model._default_manager.exists():
            return True
    return False


@dataclass
class Problem:
    message: str
    hint: str
    fatal: bool = True
    id: str = "caunoi.E001"


def _load(what: str) -> tuple[Any, str]:
    try:
        if what == "master":
            return crypto.key_ring(reload=True), ""
        return crypto.blind_index_key(), ""
    except KeyUnavailable as exc:
        return None, str(exc)


def _variables(what: str) -> str:
    if what == "master":
        return f"{crypto.MASTER_ENV} or {crypto.MASTER_FILE_ENV}"
    return f"{crypto.BLIND_ENV} or {crypto.BLIND_FILE_ENV}"


# The problem that says a key cannot be loaded at all (nothing encrypted can be opened).
KEY_UNLOADABLE = "caunoi.E002"


def key_problems() -> list[Problem]:
    """What stops this deployment from serving its database safely. Empty when the keys
    are there, well-formed and open the database's key check value."""
    return _setting_problems() + database_key_problems()


def _setting_problems() -> list[Problem]:
    problems: list[Problem] = []
    if settings.PRODUCTION and not settings.KEY_LOCATIONS_EXPLICIT:
        problems.append(
            Problem(
                "CAUNOI_PRODUCTION=1 needs explicit key locations.",
                "Set CAUNOI_MASTER_KEY_FILE (or CAUNOI_MASTER_KEY) and "
                "CAUNOI_BLIND_INDEX_KEY_FILE (or CAUNOI_BLIND_INDEX_KEY).",
                id="caunoi.E001",
            )
        )
    if not settings.SECRET_KEY_PRESENT:
        problems.append(
            Problem(
                f"No secret key: CAUNOI_SECRET_KEY is not set and {settings.SECRET_KEY_FILE} "
                "does not exist or is empty.",
                "Run `manage.py keys_init` to create the file, or set CAUNOI_SECRET_KEY.",
                fatal=bool(settings.PRODUCTION),
                id="caunoi.E006" if settings.PRODUCTION else "caunoi.W002",
            )
        )
    return problems


def database_key_problems() -> list[Problem]:
    """Whether the keys provided are the ones the connected database was written with:
    they load, and open its key check value (core.models.KeyCheck). A restored backup is
    checked this way too (portal.backup): its KeyCheck row came with the dump."""
    problems: list[Problem] = []
    try:
        has_data = database_holds_encrypted_data()
        check = _key_check()
    except DatabaseError:
        return problems  # the database itself is down: other checks say so
    ring, ring_error = _load("master")
    blind, blind_error = _load("blind")
    for error, what in ((ring_error, "master"), (blind_error, "blind")):
        if not error:
            continue
        if has_data or check is not None:
            problems.append(
                Problem(
                    f"The database holds encrypted data but its key cannot be loaded: {error}.",
                    f"Restore the key from its backup ({_variables(what)}). A new key would "
                    "not open the data: never generate one for this database.",
                    id=KEY_UNLOADABLE,
                )
            )
        else:
            problems.append(
                Problem(
                    f"No key yet: {error}.",
                    "Run `manage.py keys_init` to create the keys for this new database.",
                    fatal=False,
                    id="caunoi.W003",
                )
            )
    if ring is None or blind is None:
        return problems
    if ring.from_env and settings.PRODUCTION:
        problems.append(
            Problem(
                f"The master key comes from {crypto.MASTER_ENV}: it cannot be rotated, so "
                "erasures are never made final for copies in backups, dead rows and the WAL.",
                f"Keep the master key in a file ({crypto.MASTER_FILE_ENV}); see docs/erasure.md.",
                fatal=False,
                id="caunoi.W004",
            )
        )
    if check is None:
        from .models import KeyCheck

        if has_data and KeyCheck._meta.db_table not in _tables():
            # A database from before key check values: `migrate` must be able to run.
            problems.append(
                Problem(
                    "The database holds encrypted data but no key check value yet.",
                    "Run `manage.py migrate`, then `manage.py keys_init` with this "
                    "database's keys: it verifies them and records the check value.",
                    fatal=False,
                    id="caunoi.W005",
                )
            )
        elif has_data:
            problems.append(
                Problem(
                    "The database holds encrypted data but no key check value.",
                    "Run `manage.py keys_init` with this database's keys: it verifies them "
                    "against the stored data and records the check value.",
                    id="caunoi.E003",
                )
            )
        return problems
    return problems + _check_row_problems(ring, check)


def _check_row_problems(ring: KeyRing, check: KeyCheck) -> list[Problem]:
    """The keys loaded against the database's key check row."""
    problems: list[Problem] = []
    try:
        opened = crypto.unwrap_key(bytes(check.wrapped_key), check.crypto_context, ring=ring)
    except DecryptionError:
        opened = b""
    if opened != CHECK_VALUE:
        problems.append(
            Problem(
                f"The master key in {ring.source} does not open this database's key check "
                "value: it is the wrong key, or a corrupt one.",
                f"Restore this database's master key ({_variables('master')}).",
                id="caunoi.E004",
            )
        )
    if check.blind_fingerprint != crypto.blind_index(BLIND_CHECK_KIND, BLIND_CHECK_VALUE):
        problems.append(
            Problem(
                f"The blind index key ({_variables('blind')}) is not the one this database "
                "was written with: look-ups and duplicate checks would miss.",
                f"Restore this database's blind index key ({_variables('blind')}).",
                id="caunoi.E005",
            )
        )
    return problems


def refuse_to_start() -> None:
    """Stop the process (the WSGI server's start) when a key problem is fatal."""
    fatal = [p for p in key_problems() if p.fatal]
    if fatal:
        lines = [f"{p.id}: {p.message} {p.hint}" for p in fatal]
        raise SystemExit("Cầu Nối refuses to start:\n" + "\n".join(lines))


# --- Creating keys -------------------------------------------------------------------


def _write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _replace(path: Path, text: str) -> None:
    """Write atomically: a crash leaves either the old file or the new one, whole."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    _write_new(tmp, text)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass
class InitReport:
    created: list[str] = field(default_factory=list)
    checked: bool = False
    recorded: bool = False


def init_keys() -> InitReport:
    """Create whatever key is missing (never for a database that holds encrypted data),
    then verify the keys and record the key check value once the tables exist."""
    report = InitReport()
    try:
        has_data = database_holds_encrypted_data()
        check = _key_check()
    except DatabaseError as exc:
        # Whether it holds encrypted data cannot be known: a new key now could be one for
        # a database full of data, whose real key must be restored instead.
        raise KeyUnavailable(
            f"the database cannot be read ({type(exc).__name__}): keys are created or "
            "verified only against a database that answers (check DATABASE_URL and that "
            "PostgreSQL is running)"
        ) from exc
    if not os.environ.get("CAUNOI_SECRET_KEY") and not Path(settings.SECRET_KEY_FILE).exists():
        _write_new(Path(settings.SECRET_KEY_FILE), secrets.token_urlsafe(50))
        report.created.append(str(settings.SECRET_KEY_FILE))
    for env, path in (
        (crypto.MASTER_ENV, crypto.master_key_file()),
        (crypto.BLIND_ENV, crypto.blind_index_key_file()),
    ):
        if os.environ.get(env) or path.exists():
            continue
        if has_data or check is not None:
            raise KeyUnavailable(
                f"key file {path} not found, and the database already holds encrypted data: "
                "restore the file from its backup (a new key would not open the data)"
            )
        key = crypto.encode_key(secrets.token_bytes(32))
        _write_new(path, f"1:{key}\n" if env == crypto.MASTER_ENV else f"{key}\n")
        report.created.append(str(path))
    crypto.forget_keys()
    ring = crypto.key_ring(reload=True)
    crypto.blind_index_key()
    from .models import KeyCheck

    if KeyCheck._meta.db_table not in _tables():
        return report  # before `migrate`: core's post_migrate handler records it
    if check is not None:
        fatal = [p for p in key_problems() if p.fatal]
        if fatal:
            raise KeyUnavailable(" ".join(f"{p.message} {p.hint}" for p in fatal))
        report.checked = True
        return report
    if has_data:
        _verify_against_data(ring)
        report.checked = True
    record_key_check(ring)
    report.recorded = True
    return report


def _verify_against_data(ring: KeyRing) -> None:
    """Before recording a check value for an existing database: the master key must open
    the data keys stored there (a sample)."""
    tried = opened = 0
    for model in encrypted_models():
        rows: Any = model._default_manager.exclude(wrapped_key=None).order_by("pk")[:20]
        for row in rows:
            tried += 1
            try:
                crypto.unwrap_key(bytes(row.wrapped_key), row.crypto_context, ring=ring)
            except DecryptionError:
                continue
            opened += 1
    if tried and not opened:
        raise KeyUnavailable(
            f"the master key in {ring.source} opens none of the {tried} data keys tried: "
            "it is not this database's key"
        )


def record_key_check(ring: KeyRing | None = None) -> KeyCheck:
    from .models import KeyCheck

    ring = ring or crypto.key_ring()
    check = KeyCheck(
        wrapped_key=crypto.wrap_key(CHECK_VALUE, KeyCheck.crypto_context, ring=ring),
        blind_fingerprint=crypto.blind_index(BLIND_CHECK_KIND, BLIND_CHECK_VALUE),
    )
    check.save()
    return check


def record_key_check_after_migrate(**_kwargs: Any) -> None:
    """post_migrate: a new database migrated with keys in place gets its check value at
    once. Never for a database with encrypted data (keys_init verifies those first)."""
    from .models import KeyCheck

    try:
        if _key_check() is not None or database_holds_encrypted_data():
            return
        ring = crypto.key_ring(reload=True)
        crypto.blind_index_key()
    except (KeyUnavailable, DatabaseError):
        return
    if not KeyCheck.objects.exists():
        record_key_check(ring)


# --- Erasure and rotation ------------------------------------------------------------


def note_erasure() -> None:
    """Called inside every transaction that destroys a data key: the next rotation makes
    that erasure final for every copy."""
    from .models import KeyCheck

    KeyCheck.objects.update(last_erasure_at=timezone.now())


def erasure_pending() -> bool:
    check = _key_check()
    if check is None or check.last_erasure_at is None:
        return False
    return check.rotated_at is None or check.last_erasure_at >= check.rotated_at


@contextmanager
def _rotation_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(f".{path.name}.lock")
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@dataclass
class RotationReport:
    new_version: int = 0
    destroyed: list[int] = field(default_factory=list)
    rewrapped: int = 0
    unreadable: int = 0


def _rewrap_all(ring: KeyRing) -> tuple[int, int]:
    rewrapped = unreadable = 0
    for model in encrypted_models():
        manager = model._default_manager
        pks = list(manager.exclude(wrapped_key=None).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), _BATCH):
            with transaction.atomic():
                rows = manager.select_for_update().filter(pk__in=pks[start : start + _BATCH])
                row: Any
                for row in rows.exclude(wrapped_key=None):
                    wrapped = bytes(row.wrapped_key)
                    try:
                        if crypto.wrapped_version(wrapped) == ring.current:
                            continue
                        data_key = crypto.unwrap_key(wrapped, row.crypto_context, ring=ring)
                    except DecryptionError:
                        unreadable += 1  # corrupt, or its version is already gone
                        continue
                    manager.filter(pk=row.pk).update(
                        wrapped_key=crypto.wrap_key(data_key, row.crypto_context, ring=ring)
                    )
                    rewrapped += 1
    return rewrapped, unreadable


def rotate_master_key(*, grace_seconds: int | None = None) -> RotationReport:
    """Add a new master key version, re-wrap every live data key under it, destroy the old
    versions. Safe to run twice, and to re-run after a crash at any step (the key file
    always holds every version a stored data key needs)."""
    from .models import KeyCheck

    ring = crypto.key_ring(reload=True)
    if ring.from_env:
        raise KeyUnavailable(
            f"the master key comes from {crypto.MASTER_ENV}: rotation needs it in a key file "
            f"({crypto.MASTER_FILE_ENV})"
        )
    path = crypto.master_key_file()
    grace = settings.KEY_ROTATION_GRACE_SECONDS if grace_seconds is None else grace_seconds
    report = RotationReport()
    with _rotation_lock(path):
        ring = crypto.key_ring(reload=True)
        started = timezone.now()
        new_version = ring.current + 1
        keys = dict(ring.keys)
        keys[new_version] = secrets.token_bytes(32)
        both = KeyRing(keys=keys, source=ring.source, from_env=False)
        _replace(path, both.dump())  # from here on every process wraps under new_version
        crypto.forget_keys()
        report.new_version = new_version
        rewrapped, _ = _rewrap_all(both)
        if grace:
            time.sleep(grace)  # requests in flight that read the old ring commit meanwhile
        again, unreadable = _rewrap_all(both)
        report.rewrapped = rewrapped + again
        report.unreadable = unreadable
        final = KeyRing(keys={new_version: keys[new_version]}, source=ring.source, from_env=False)
        _replace(path, final.dump())
        crypto.forget_keys()
        report.destroyed = sorted(v for v in keys if v != new_version)
        KeyCheck.objects.update(rotated_at=started)
    return report
