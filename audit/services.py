"""Writing to the audit log. Call `audit_record` inside the transaction of the change it
describes: if the change rolls back, so does its audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import User

from .models import AuditEntry, AuditHead

# Who did it: a user, the anonymous visitor of a public page, or None for the system.
Actor = User | AnonymousUser | None

GENESIS = "0" * 64


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    changes: Mapping[str, object] | None = None,
    reason: str = "",
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    # No savepoint of its own: inside the change's transaction, an audit entry that fails
    # fails the whole change (never a change kept without its entry); outside one, this
    # is the transaction.
    with transaction.atomic(savepoint=False):
        # The head row is the chain's lock: concurrent writers queue on it, and each reads
        # the head as the one before it left it (READ COMMITTED: a row locked FOR UPDATE is
        # read again once the lock is granted).
        head = AuditHead.objects.select_for_update().filter(id=1).first()
        if head is None:
            # No head yet (the first entry ever): there is no row to lock, so writers
            # queue on an advisory lock while one creates it, then lock the row.
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(7301)")
            head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        actor_obj = actor if isinstance(actor, User) and actor.is_authenticated else None
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor_obj,
            actor_label=getattr(actor_obj, "username", "") or "system",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            changes=dict(changes or {}),
            reason=reason,
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(id=1).update(
            last_entry_id=entry.id, last_hash=entry.entry_hash, count=head.count + 1
        )
    return entry


def audit_view(
    *,
    actor: Actor,
    obj: Model,
    page: str,
    changes: Mapping[str, object] | None = None,
    reason: str = "",
) -> AuditEntry:
    """One "view" entry for one page that shows a client-level record: who opened which
    record, through which page (a URL name such as "clients:detail", never a value from
    the record). Call it once per response that shows the record, after the access check
    (a 404 writes nothing). `changes` may add field names or flags, never values."""
    return audit_record(
        actor=actor,
        action="view",
        obj=obj,
        changes={"page": page, **(changes or {})},
        reason=reason,
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of fields whose values differ (values are not logged: they may identify)."""
    return sorted(k for k in after if before.get(k) != after.get(k))
