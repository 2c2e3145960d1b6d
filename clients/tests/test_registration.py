"""Registering a client: the page, duplicates, consent, minors, identity encrypted at rest."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from clients import duplicates, subject_requests
from clients.models import Client, Consent
from clients.uic import uic_index
from core.crypto import EncryptedIdentity, blind_index

from .conftest import NAME, PHONE, PHONE_DIGITS, register


def form_data(w: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "peer_group": w.group.pk,
        "given_name": "Lành",
        "mother_given_name": "Hoa",
        "birth_year": "1995",
        "sex": "F",
        "gender_identity": "woman",
        "population_groups": ["fsw"],
        "commune": w.ha_long.pk,
        "name": NAME,
        "nickname": "Bống",
        "phone": PHONE,
        "notes": "",
        "consent_method": "verbal",
        "consent_follow_up": "on",
        "share_with": [w.clinic.pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who", ["peer", "leader"])
def test_it_registers_a_client_from_the_page(world: Any, as_user: Any, who: str) -> None:
    http = as_user(getattr(world, who))
    page = http.get(reverse("clients:register"))
    assert page.status_code == 200
    assert "Decree 356/2025" in page.content.decode() or "356/2025" in page.content.decode()
    assert b"checked" not in page.content  # no pre-ticked boxes
    response = http.post(reverse("clients:register"), form_data(world))
    client = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[client.public_id])
    # Only the UIC's keyed hash is stored, never the code built from initials and year.
    assert client.uic == uic_index("LAHO95F") and "LAHO95F" not in client.uic
    assert client.province_id == world.qn.pk
    assert len(client.short_code) == 6
    assert set(client.consents.values_list("purpose", flat=True)) == {
        Consent.Purpose.FOLLOW_UP,
        Consent.Purpose.SHARE_PROVIDER,
    }
    assert client.status_history.count() == 1
    assert AuditEntry.objects.filter(action="create", object_id=str(client.pk)).exists()


@pytest.mark.parametrize(
    "who", ["coordinator", "provider", "hotline", "prov_manager", "nat_manager", "admin", "nobody"]
)
def test_it_hides_registration_from_other_roles(world: Any, as_user: Any, who: str) -> None:
    http = as_user(getattr(world, who))
    assert http.get(reverse("clients:register")).status_code == 404
    assert http.post(reverse("clients:register"), form_data(world)).status_code == 404
    assert not Client.objects.exists()


def test_it_refuses_without_consent_and_keeps_what_was_typed(world: Any, as_user: Any) -> None:
    http = as_user(world.peer)
    response = http.post(reverse("clients:register"), form_data(world, consent_follow_up=None))
    assert response.status_code == 200
    body = response.content.decode()
    assert "must agree to registration" in body
    assert 'value="Bống"' in body
    assert not Client.objects.exists()


def test_it_never_stores_the_names_used_for_the_uic(world: Any) -> None:
    client = register(world, name="", nickname="", phone="")
    assert client.wrapped_key is None and client.identity_blob is None
    assert "Lành" not in str(Client.objects.filter(pk=client.pk).values().get())


def test_it_flags_a_duplicate_uic_and_lets_the_peer_continue(world: Any, as_user: Any) -> None:
    first = register(world, phone="")
    http = as_user(world.peer)
    response = http.post(reverse("clients:register"), form_data(world, phone=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert first.short_code in body
    assert reverse("clients:detail", args=[first.public_id]) in body
    assert 'name="register_anyway"' in body
    assert 'value="Bống"' in body  # kept what was typed
    assert Client.objects.count() == 1
    response = http.post(
        reverse("clients:register"),
        form_data(world, phone="", register_anyway="on", dup_shown="1"),
    )
    assert response.status_code == 302
    assert Client.objects.count() == 2
    second = Client.objects.exclude(pk=first.pk).get()
    entry = AuditEntry.objects.get(action="create", object_id=str(second.pk))
    assert entry.changes["duplicate_overridden"] is True


def test_it_matches_duplicates_by_phone_through_the_blind_index(world: Any) -> None:
    first = register(world)
    assert first.phone_index == blind_index("phone", PHONE_DIGITS)
    with pytest.raises(duplicates.PossibleDuplicate) as caught:
        register(world, given_name="Mai", mother_given_name="Thu", phone="+84 912 345 678")
    assert caught.value.matches == [first]


def test_it_says_nothing_of_a_duplicate_outside_the_users_scope(world: Any, as_user: Any) -> None:
    """Not an oracle (issue 15 item 2): a peer learns nothing of a match in another group
    or province; the coordinators of both records are told, with no identifying text."""
    from conftest import make_user
    from notifications.models import Notification

    other_coordinator = make_user("coord_cp", "coordinator", support_model=world.other_model)
    other = register(world, peer_group=world.other_group, actor=world.peer_other_group)
    response = as_user(world.peer).post(reverse("clients:register"), form_data(world))
    assert response.status_code == 302  # registered as if there were no match
    new = Client.objects.exclude(pk=other.pk).get()
    assert response["Location"] == reverse("clients:detail", args=[new.public_id])
    page = as_user(world.peer).get(response["Location"]).content.decode()
    assert other.short_code not in page and "another group" not in page
    assert not Notification.objects.filter(user__in=[world.peer, world.peer_other_group]).exists()
    # Each side's coordinators get a link to their own record only.
    mine = Notification.objects.get(kind="clients.possible_duplicate", user=world.coordinator)
    theirs = Notification.objects.get(kind="clients.possible_duplicate", user=other_coordinator)
    assert mine.url == reverse("clients:detail", args=[new.public_id])
    assert theirs.url == reverse("clients:detail", args=[other.public_id])
    for note in Notification.objects.all():
        text = f"{note.title} {note.body} {note.url}"
        for value in (NAME, PHONE_DIGITS, "0912", other.short_code, new.short_code, "LAHO"):
            assert value not in text
    entry = AuditEntry.objects.get(action="create", object_id=str(new.pk))
    assert entry.changes["duplicates_outside_scope"] == 1


def test_it_tells_the_coordinators_of_another_province_about_a_phone_match(
    world: Any, as_user: Any
) -> None:
    from notifications.models import Notification

    other = register(world, peer_group=world.hue_group, actor=world.peer_other_province)
    response = as_user(world.peer).post(
        reverse("clients:register"), form_data(world, given_name="Mai", mother_given_name="Thu")
    )
    assert response.status_code == 302
    hue = Notification.objects.get(user=world.coordinator_other)
    assert hue.url == reverse("clients:detail", args=[other.public_id])
    assert world.group.support_model.name in hue.body  # whom to contact, nothing more
    assert Notification.objects.filter(user=world.coordinator).count() == 1


def test_it_limits_duplicate_checks_per_user_and_hour(
    world: Any, as_user: Any, settings: Any
) -> None:
    settings.CAUNOI = {**settings.CAUNOI, "DUPLICATE_CHECKS_PER_HOUR": 2}
    http = as_user(world.peer)
    for given, phone in (("An", "0911 000 001"), ("Bình", "0911 000 002")):
        response = http.post(
            reverse("clients:register"), form_data(world, given_name=given, phone=phone)
        )
        assert response.status_code == 302
    response = http.post(
        reverse("clients:register"), form_data(world, given_name="Chi", phone="0911 000 003")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "too many" in body
    assert 'value="Bống"' in body  # what was typed is kept
    assert Client.objects.count() == 2
    # Another user is not held back by this one's checks.
    assert (
        as_user(world.leader)
        .post(reverse("clients:register"), form_data(world, given_name="Dung", phone="0911000004"))
        .status_code
        == 302
    )


def test_the_duplicate_check_limit_holds_across_worker_processes(
    world: Any, as_user: Any, settings: Any
) -> None:
    """Issue 15 item 2: the count lived in each process's memory, so N workers (or
    servers) allowed N times the limit. Each request here finds an empty cache, as a
    request served by another worker does: the third look-up is still refused."""
    from django.core.cache import cache

    settings.CAUNOI = {**settings.CAUNOI, "DUPLICATE_CHECKS_PER_HOUR": 2}
    http = as_user(world.peer)
    for given, phone in (("An", "0911 000 001"), ("Bình", "0911 000 002")):
        cache.clear()
        response = http.post(
            reverse("clients:register"), form_data(world, given_name=given, phone=phone)
        )
        assert response.status_code == 302
    cache.clear()
    response = http.post(
        reverse("clients:register"), form_data(world, given_name="Chi", phone="0911 000 003")
    )
    assert response.status_code == 200 and "too many" in response.content.decode()
    assert Client.objects.count() == 2


def test_a_look_up_answered_with_an_own_duplicate_is_counted_too(
    world: Any, as_user: Any, settings: Any
) -> None:
    """A look-up that found a record of the user's own scope (the form is shown again,
    nothing registered) is a look-up all the same: it counts towards the limit."""
    settings.CAUNOI = {**settings.CAUNOI, "DUPLICATE_CHECKS_PER_HOUR": 2}
    http = as_user(world.peer)
    first = http.post(reverse("clients:register"), form_data(world, phone="0911 000 001"))
    assert first.status_code == 302
    again = http.post(
        reverse("clients:register"),
        form_data(world, given_name="Bình", nickname="Bi", phone="0911 000 001"),
    )
    assert again.status_code == 200 and "dup_shown" in again.content.decode()
    third = http.post(
        reverse("clients:register"), form_data(world, given_name="Chi", phone="0911 000 003")
    )
    assert third.status_code == 200 and "too many" in third.content.decode()
    assert Client.objects.count() == 1


def test_it_does_not_flag_the_same_uic_in_another_province(world: Any) -> None:
    register(world, peer_group=world.hue_group, actor=world.peer_other_province, phone="")
    assert register(world, phone="").pk


def test_it_flags_minors_and_says_a_referral_is_required(world: Any, as_user: Any) -> None:
    from datetime import date

    http = as_user(world.peer)
    year = date.today().year - 16
    response = http.post(
        reverse("clients:register"), form_data(world, birth_year=str(year)), follow=True
    )
    client = Client.objects.get()
    assert client.is_minor_at_registration and client.is_minor
    assert "child-protection referral is required" in response.content.decode()


def _dump_database() -> tuple[str, bytes]:
    """Every row of every table, as text and as bytes."""
    text_parts: list[str] = []
    byte_parts: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        byte_parts.append(bytes(value))
                    else:
                        text_parts.append(str(value))
    text = "\n".join(text_parts)
    return text, "\n".join(text_parts).encode() + b"\n".join(byte_parts)


def test_it_stores_no_identity_in_plaintext(world: Any) -> None:
    from programs.establishments.services import (
        establishment_register,
        establishment_set_owner_contact,
    )

    client = register(world, notes="Hay đến quán Hoa Sữa")
    establishment = establishment_register(
        actor=world.coordinator,
        name="Karaoke Ánh Dương",
        kind="karaoke",
        commune=world.ha_long,
        support_model=world.model,
    )
    establishment_set_owner_contact(
        actor=world.coordinator,
        establishment=establishment,
        owner_name="Chủ Quán Tuấn",
        owner_phone="0987 654 321",
    )
    text, raw = _dump_database()
    for secret in (NAME, PHONE, PHONE_DIGITS, "Bống", "Hoa Sữa", "Chủ Quán Tuấn", "0987654321"):
        assert secret not in text
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw
    assert "0987 654 321" not in text
    # ...yet it is all there, encrypted.
    opened = EncryptedIdentity.open(client.wrapped_key, client.identity_blob, client.crypto_context)
    assert opened["name"] == NAME and opened["phone"] == PHONE_DIGITS


def test_a_note_refuses_the_clients_identity_but_never_tests_another_clients(
    world: Any,
) -> None:
    """Issue 15: a status or request note is shown without a tap, so it may not hold the
    client's name, nickname or phone; but it is compared with this client only: a note
    naming another registered client in lowercase is not refused (a refusal would tell
    the author that this name is registered somewhere)."""
    from datetime import date

    from django.core.exceptions import ValidationError

    client = register(world)
    other = register(
        world,
        actor=world.peer_other_province,
        peer_group=world.hue_group,
        given_name="Bình",
        name="Trần Văn Bình",
        phone="0911 000 009",
        nickname="",
    )
    assert other.pk
    for note in (NAME, "bống", PHONE, client.short_code.lower()):
        with pytest.raises(ValidationError) as refused:
            subject_requests.request_record(
                actor=world.peer, client=client, kind="view", received_on=date.today(), note=note
            )
        assert "note" in refused.value.message_dict
    kept = subject_requests.request_record(
        actor=world.peer,
        client=client,
        kind="view",
        received_on=date.today(),
        note="hỏi giùm văn bình",
    )
    assert kept.note == "hỏi giùm văn bình"
