"""Report reads from a read replica, when one is configured.

`CAUNOI_REPLICA_DATABASE_URL` names a PostgreSQL standby kept by streaming replication
(docs/deploy.md). When it is set, the live report's figures (`reports` page, its
breakdowns, its exports and the background export job) are read there, inside
`report_reads()`; every write, and every other read, stays on `default`. Unset (the
default), nothing changes: there is no replica alias and everything runs on `default`.

What never goes to the replica, even inside `report_reads()`:
- writes (`db_for_write` is always `default`, also for a row that was read from the
  replica), and reads that lock (`select_for_update`, `get_or_create`: Django routes
  them as writes);
- who the user is and what they may see (accounts, sessions, auth, OTP, lockout), the
  audit chain, the task queue and core rows: a grant just revoked is revoked at once;
- any read inside a transaction on `default` (it must see that transaction's writes).

The price is replica lag: a record saved a moment ago may appear in the report a moment
later (usually under a second; longer while the standby catches up).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_reading = ContextVar("caunoi_report_reads", default=False)

# Apps whose rows decide access or keep the record straight: always read from default.
PRIMARY_ONLY = frozenset(
    {
        "accounts",
        "admin",
        "audit",
        "auth",
        "axes",
        "contenttypes",
        "core",
        "django_q",
        "otp_static",
        "otp_totp",
        "sessions",
    }
)


def replica_alias() -> str | None:
    """The alias report reads go to, or None (no replica configured)."""
    alias: Any = settings.CAUNOI.get("REPORT_READ_ALIAS") or ""
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def report_reads() -> Iterator[None]:
    """Inside: the live report's reads go to the replica, if there is one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReportReplicaRouter:
    """`settings.DATABASE_ROUTERS`: see the module's docstring."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _reading.get() or model._meta.app_label in PRIMARY_ONLY:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return replica_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as default

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # a standby follows its primary's schema
