"""Erasure always wins over an edit in flight (issue 10 item 1): every write of a client
locks its row, reads it again and writes only what it changed."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from clients import erasure, services
from clients.models import Client
from core.crypto import DecryptionError, EncryptedIdentity

from .conftest import NAME, register


def _edit(w: Any, client: Client, *, identity: dict[str, str] | None, year: int = 1996) -> Client:
    return services.client_update(
        actor=w.peer,
        client=client,
        birth_year=year,
        sex=client.sex,
        gender_identity=client.gender_identity,
        population_groups=list(client.population_groups.all()),
        commune=client.commune,
        establishment=client.establishment,
        identity=identity,
    )


IDENTITY = {"name": NAME, "nickname": "Bống", "phone": "0912 345 678", "notes": "edited"}


def _assert_erased(client: Client) -> None:
    client.refresh_from_db()
    assert client.erased_at is not None
    assert client.wrapped_key is None and client.identity_blob is None
    assert client.phone_index == "" and client.name_index == ""
    with pytest.raises(DecryptionError):
        EncryptedIdentity.open(client.wrapped_key, client.identity_blob, client.crypto_context)


def test_it_refuses_an_identity_edit_loaded_before_the_erasure(world: Any) -> None:
    client = register(world)
    stale = Client.objects.get(pk=client.pk)  # the edit form was opened here
    erasure.client_erase(actor=world.leader, client=client, reason="Client asked")
    with pytest.raises(ValidationError):
        _edit(world, stale, identity=IDENTITY)
    _assert_erased(client)


def test_it_keeps_the_identity_erased_when_a_stale_record_is_corrected(world: Any) -> None:
    client = register(world)
    stale = Client.objects.get(pk=client.pk)
    erasure.client_erase(actor=world.leader, client=client, reason="Client asked")
    _edit(world, stale, identity=None, year=1990)  # no identity typed: the rest is saved
    _assert_erased(client)
    assert Client.objects.get(pk=client.pk).birth_year == 1990
    assert stale.wrapped_key is None  # the caller's object is brought up to date


def test_it_keeps_the_identity_erased_after_a_stale_status_change(world: Any) -> None:
    client = register(world)
    stale = Client.objects.get(pk=client.pk)
    erasure.client_erase(actor=world.leader, client=client, reason="Client asked")
    services.client_status_change(
        actor=world.peer, client=stale, status="inactive", changed_on=client.registered_on
    )
    _assert_erased(client)


def test_it_erases_once_when_two_erasures_race(world: Any) -> None:
    client = register(world)
    stale = Client.objects.get(pk=client.pk)
    erasure.client_erase(actor=world.leader, client=client, reason="first")
    erasure.client_erase(actor=world.leader, client=stale, reason="second")
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="erase", object_id=str(client.pk)).count() == 1


pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises)"
)


def _in_thread(target: Any) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pg_only
@pytest.mark.django_db(transaction=True)
def test_it_makes_an_edit_wait_for_an_erasure_in_flight(world: Any) -> None:
    client = register(world)
    stale = Client.objects.get(pk=client.pk)
    locked = threading.Event()

    def erase() -> None:
        with transaction.atomic():
            erasure.client_erase(actor=world.leader, client=client, reason="Client asked")
            locked.set()
            time.sleep(0.5)  # the edit arrives while the erasure is not yet committed

    eraser, erase_errors = _in_thread(erase)
    assert locked.wait(5)
    editor, edit_errors = _in_thread(lambda: _edit(world, stale, identity=IDENTITY))
    eraser.join(10)
    editor.join(10)
    assert not erase_errors
    assert len(edit_errors) == 1 and isinstance(edit_errors[0], ValidationError)
    _assert_erased(client)


@pg_only
@pytest.mark.django_db(transaction=True)
def test_it_makes_an_erasure_wait_for_an_edit_in_flight(world: Any) -> None:
    client = register(world)
    stale = Client.objects.get(pk=client.pk)
    edited = threading.Event()

    def edit() -> None:
        with transaction.atomic():
            _edit(world, stale, identity=IDENTITY)
            edited.set()
            time.sleep(0.5)  # the erasure arrives while the edit is not yet committed

    editor, edit_errors = _in_thread(edit)
    assert edited.wait(5)
    eraser, erase_errors = _in_thread(
        lambda: erasure.client_erase(actor=world.leader, client=client, reason="Client asked")
    )
    editor.join(10)
    eraser.join(10)
    assert not edit_errors and not erase_errors
    _assert_erased(client)


def test_a_name_typed_on_a_form_opened_before_the_erasure_is_refused_not_saved(
    world: Any, as_user: Any
) -> None:
    """Over the page: the edit form was opened, the leader erased, then the form was sent
    with a name typed. The erased page has no identity fields, so the name would be dropped
    while the peer is told "saved": it must be refused, saying why, and nothing written."""
    from django.urls import reverse

    client = register(world)
    http = as_user(world.peer)
    url = reverse("clients:edit", args=[client.public_id])
    page = http.get(url).context["form"]
    data = {
        "birth_year": "1990",
        "sex": client.sex,
        "gender_identity": client.gender_identity,
        "population_groups": [g.pk for g in client.population_groups.all()],
        "commune": client.commune_id,
        "name": "Tên mới gõ vào",
        "phone": "0987 654 321",
    }
    assert "name" in page.fields  # the form opened before the erasure asks for the name
    erasure.client_erase(actor=world.leader, client=client, reason="Client asked")
    response = http.post(url, data)
    assert response.status_code == 200  # the form again, not the "saved" redirect
    from django.utils.html import escape
    from django.utils.translation import gettext

    message = gettext("This client's identity was erased and cannot be re-entered.")
    assert message in response.context["form"].non_field_errors()
    assert escape(message) in response.content.decode()
    _assert_erased(client)
    assert client.birth_year != 1990  # nothing of that send was written
