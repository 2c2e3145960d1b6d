"""Opening a client's record writes one "view" entry to the audit log (who, which record,
through which page), masked or not; a 404 writes nothing; no entry holds identity."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.urls import reverse

from audit.models import AuditEntry
from audit.verify import verify_chain
from clients.models import Client
from clients.subject_requests import request_record

from .conftest import NAME, PHONE_DIGITS


def _entry_text(entry: AuditEntry) -> str:
    return json.dumps(
        [entry.action, entry.object_type, entry.object_id, entry.changes, entry.reason],
        ensure_ascii=False,
    )


def _new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=since))


def _last_id() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_it_records_one_view_when_the_group_opens_a_client(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    url = reverse("clients:detail", args=[client_of_group.public_id])
    for user in (world.peer, world.leader):
        since = _last_id()
        assert as_user(user).get(url).status_code == 200
        entries = _new_entries(since)
        assert [(e.action, e.actor, e.object_type, e.object_id) for e in entries] == [
            ("view", user, "clients.client", str(client_of_group.pk))
        ]
        entry = entries[0]
        assert entry.changes["page"] == "clients:detail"
        assert entry.changes["masked"] is False
        assert set(entry.changes["fields"]) == {"name", "nickname", "phone"}
        text = _entry_text(entry)
        assert NAME not in text and PHONE_DIGITS not in text and client_of_group.uic not in text
    assert verify_chain().ok


def test_it_records_a_masked_view_by_the_coordinator(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    since = _last_id()
    response = as_user(world.coordinator).get(
        reverse("clients:detail", args=[client_of_group.public_id])
    )
    assert response.status_code == 200 and NAME not in response.content.decode()
    [entry] = _new_entries(since)
    assert entry.action == "view" and entry.actor == world.coordinator
    assert entry.object_id == str(client_of_group.pk)
    assert entry.changes == {"page": "clients:detail", "masked": True}


def test_it_records_nothing_when_an_outsider_gets_404(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    since = _last_id()
    for user in (
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
        world.provider,
        world.hotline,
        world.admin,
        world.nobody,
    ):
        assert (
            as_user(user)
            .get(reverse("clients:detail", args=[client_of_group.public_id]))
            .status_code
            == 404
        )
        assert (
            as_user(user)
            .get(reverse("clients:export", args=[client_of_group.public_id]))
            .status_code
            == 404
        )
    assert _new_entries(since) == []


def test_it_records_one_view_of_a_data_subject_request(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    dsr = request_record(
        actor=world.peer, client=client_of_group, kind="erase", received_on=date.today()
    )
    url = reverse("clients:request_close", args=[dsr.pk])
    since = _last_id()
    assert as_user(world.coordinator_other).get(url).status_code == 404
    assert as_user(world.peer).get(url).status_code == 404  # wrong role
    assert _new_entries(since) == []
    assert as_user(world.leader).get(url).status_code == 200
    [entry] = _new_entries(since)
    assert (entry.action, entry.actor, entry.object_type, entry.object_id) == (
        "view",
        world.leader,
        "clients.datasubjectrequest",
        str(dsr.pk),
    )
    assert entry.changes == {"page": "clients:request_close"}


def test_it_records_the_export_as_one_entry(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    since = _last_id()
    response = as_user(world.peer).get(reverse("clients:export", args=[client_of_group.public_id]))
    assert response.status_code == 200
    [entry] = _new_entries(since)
    assert entry.action == "export" and entry.actor == world.peer
    assert entry.object_id == str(client_of_group.pk)
    assert NAME not in _entry_text(entry)


def test_it_keeps_the_client_page_to_a_few_queries(
    world: Any, as_user: Any, client_of_group: Client, django_assert_max_num_queries: Any
) -> None:
    http = as_user(world.peer)
    url = reverse("clients:detail", args=[client_of_group.public_id])
    http.get(url)  # warm the session and the audit head
    # 17 statements for the page and the session, plus the one audit insert: 3 (the head
    # row, the insert, the head update: no savepoint of its own, no advisory lock once the
    # head row exists), on SQLite and PostgreSQL alike.
    with django_assert_max_num_queries(21):
        assert http.get(url).status_code == 200
