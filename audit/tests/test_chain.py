"""The audit log is tamper-evident: audit_verify names the first broken entry.

Tampering is simulated with raw SQL, as a database administrator with full rights
would do it. On PostgreSQL the table also has an append-only trigger (migration
audit 0002); a DBA can disable it, so the tamper tests do exactly that first
(`ALTER TABLE ... DISABLE TRIGGER`, rolled back with the test) and the hash chain
must still catch the change."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEntry
from audit.services import audit_record
from audit.verify import verify_chain


def _as_dba(cursor) -> None:
    if connection.vendor == "postgresql":
        # Fire the pending deferred foreign-key checks first: PostgreSQL refuses to
        # alter a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")


def _chain(world, n=5) -> list[AuditEntry]:
    return [
        audit_record(actor=world.admin, action="view", obj=world.group, changes={"n": i})
        for i in range(n)
    ]


def _verify_fails_naming(entry_id: int) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    message = str(exc.value)
    assert f"entry {entry_id}" in message
    return message


def test_it_verifies_an_intact_chain(world, capsys):
    _chain(world)
    call_command("audit_verify")
    assert "5 entries verified" in capsys.readouterr().out


def test_it_catches_an_edited_column(world):
    entries = _chain(world)
    with connection.cursor() as cursor:
        _as_dba(cursor)
        cursor.execute(
            "UPDATE audit_auditentry SET reason = 'nothing to see' WHERE id = %s", [entries[2].id]
        )
    message = _verify_fails_naming(entries[2].id)
    assert "altered" in message


def test_it_catches_an_edited_actor(world):
    entries = _chain(world)
    with connection.cursor() as cursor:
        _as_dba(cursor)
        cursor.execute(
            "UPDATE audit_auditentry SET actor_id = %s WHERE id = %s",
            [world.peer.pk, entries[1].id],
        )
    _verify_fails_naming(entries[1].id)


def test_it_catches_an_entry_deleted_in_the_middle(world):
    entries = _chain(world)
    with connection.cursor() as cursor:
        _as_dba(cursor)
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].id])
    message = _verify_fails_naming(entries[3].id)
    assert "deleted" in message


def test_it_catches_the_last_entry_deleted(world):
    entries = _chain(world)
    with connection.cursor() as cursor:
        _as_dba(cursor)
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])
    result = verify_chain()
    assert not result.ok
    assert result.broken_entry_id == entries[-1].id
    message = _verify_fails_naming(entries[-1].id)
    assert "latest entries were deleted" in message


def test_it_drops_the_entry_of_a_rolled_back_change(world):
    _chain(world, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=world.admin, action="update", obj=world.group, changes={"f": ["name"]})
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == 2
    assert verify_chain().ok
    # The chain goes on cleanly after the rollback.
    audit_record(actor=world.admin, action="view", obj=world.group)
    assert verify_chain().ok


def test_it_refuses_to_save_or_delete_an_existing_entry(world):
    entry = _chain(world, 1)[0]
    entry.reason = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_it_refuses_update_and_delete_in_the_database_itself(world):
    entry = _chain(world, 1)[0]
    for sql in (
        "UPDATE audit_auditentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.id])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    assert verify_chain().ok


def _concurrent_entries(world, writers: int) -> list[BaseException]:
    """`writers` threads, each writing one entry in its own transaction, all at once."""
    import threading

    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            start.wait(10)
            with transaction.atomic():
                audit_record(actor=world.admin, action="view", obj=world.group, changes={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pg_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("head_exists", [True, False], ids=["head", "first-entry"])
def test_concurrent_writers_never_fork_the_chain(world, head_exists):
    from audit.models import AuditHead

    if head_exists:
        _chain(world, 1)
    else:
        assert not AuditEntry.objects.exists()  # a first entry: no head row yet
        AuditHead.objects.all().delete()
    before = AuditEntry.objects.count()
    assert _concurrent_entries(world, 8) == []
    entries = list(AuditEntry.objects.order_by("id"))
    assert len(entries) == before + 8
    # One chain: every entry follows exactly one other, none shares a predecessor.
    assert len({e.prev_hash for e in entries}) == len(entries)
    head = AuditHead.objects.get(id=1)
    assert head.count == len(entries) and head.last_hash == entries[-1].entry_hash
    assert verify_chain().ok
