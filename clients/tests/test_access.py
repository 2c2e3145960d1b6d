"""Who sees which client pages: own group (identity), coordinator (masked, unmask with a
reason, audited), everybody else 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import Client, UnmaskGrant

from .conftest import NAME, PHONE_DIGITS, register

OUTSIDERS = [
    "peer_other_group",
    "peer_other_province",
    "coordinator_other",
    "provider",
    "provider_other",
    "hotline",
    "prov_manager",
    "prov_manager_other",
    "nat_manager",
    "admin",
    "nobody",
]
PAGES = ["detail", "edit", "unmask", "consent_add", "request_add", "export", "erase"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_answers_404_on_every_client_page_for_outsiders(
    world: Any, as_user: Any, client_of_group: Client, who: str
) -> None:
    http = as_user(getattr(world, who))
    for page in PAGES:
        url = reverse(f"clients:{page}", args=[client_of_group.public_id])
        assert http.get(url).status_code == 404, page
    assert (
        http.post(
            reverse("clients:status", args=[client_of_group.public_id]),
            {"status": "inactive", "changed_on": "2025-01-01"},
        ).status_code
        == 404
    )
    consent = client_of_group.consents.first()
    assert consent
    assert (
        http.post(
            reverse("clients:consent_withdraw", args=[client_of_group.public_id, consent.pk])
        ).status_code
        == 404
    )
    client_of_group.refresh_from_db()
    assert client_of_group.status == "active"
    assert client_of_group.consents.filter(withdrawn_at__isnull=True).count() == 3


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_shows_outsiders_no_client_list(
    world: Any, as_user: Any, client_of_group: Client, who: str
) -> None:
    http = as_user(getattr(world, who))
    response = http.get(reverse("clients:list"))
    if who in ("peer_other_group", "peer_other_province", "coordinator_other"):
        assert response.status_code == 200
        assert client_of_group.short_code not in response.content.decode()
    else:
        assert response.status_code == 404
    found = http.post(reverse("clients:find"), {"code": client_of_group.short_code})
    assert found.status_code in (200, 404)
    assert str(client_of_group.public_id) not in found.content.decode()


@pytest.mark.parametrize("who", ["peer", "leader"])
def test_it_shows_the_group_its_clients_identity_and_audits_it(
    world: Any, as_user: Any, client_of_group: Client, who: str
) -> None:
    user = getattr(world, who)
    response = as_user(user).get(reverse("clients:detail", args=[client_of_group.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert NAME in body and PHONE_DIGITS in body and client_of_group.uic not in body
    assert AuditEntry.objects.filter(
        action="view", actor=user, object_id=str(client_of_group.pk)
    ).exists()


def test_it_masks_identity_for_the_coordinator(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    http = as_user(world.coordinator)
    response = http.get(reverse("clients:detail", args=[client_of_group.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert client_of_group.short_code in body
    assert NAME not in body and PHONE_DIGITS not in body and client_of_group.uic not in body
    assert reverse("clients:unmask", args=[client_of_group.public_id]) in body
    assert http.get(reverse("clients:export", args=[client_of_group.public_id])).status_code == 404
    listing = http.get(reverse("clients:list")).content.decode()
    assert client_of_group.short_code in listing and NAME not in listing


@override_settings(CAUNOI={"UNMASK_MINUTES": 5})
def test_it_unmasks_for_a_written_reason_for_a_limited_time(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    http = as_user(world.coordinator)
    url = reverse("clients:unmask", args=[client_of_group.public_id])
    refused = http.post(url, {"reason": "short"})
    assert refused.status_code == 200 and not UnmaskGrant.objects.exists()
    reason = "Client called the hotline in danger; need to reach her"
    assert http.post(url, {"reason": reason}).status_code == 302
    grant = UnmaskGrant.objects.get()
    assert timedelta(minutes=4) < grant.expires_at - timezone.now() <= timedelta(minutes=5)
    entry = AuditEntry.objects.get(action="unmask")
    assert entry.actor == world.coordinator and entry.reason == reason
    body = http.get(reverse("clients:detail", args=[client_of_group.public_id])).content.decode()
    assert NAME in body
    assert AuditEntry.objects.filter(action="view", actor=world.coordinator).count() == 1
    UnmaskGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    body = http.get(reverse("clients:detail", args=[client_of_group.public_id])).content.decode()
    assert NAME not in body


def test_it_does_not_let_a_peer_unmask(world: Any, as_user: Any, client_of_group: Client) -> None:
    url = reverse("clients:unmask", args=[client_of_group.public_id])
    assert as_user(world.peer).get(url).status_code == 404


def test_it_lists_the_groups_clients_in_few_queries(
    world: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    for year in range(1980, 1992):
        register(world, birth_year=year, phone="", register_anyway=True)
    http = as_user(world.peer)
    with django_assert_max_num_queries(14):
        response = http.get(reverse("clients:list"))
    assert response.content.decode().count('class="row"') == 12


def test_it_finds_a_client_by_posted_code_or_uic(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    http = as_user(world.peer)
    response = http.post(reverse("clients:find"), {"code": client_of_group.short_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[client_of_group.public_id])
    response = http.post(reverse("clients:find"), {"code": "laho95f"})
    assert response["Location"] == reverse("clients:detail", args=[client_of_group.public_id])
    assert http.get(reverse("clients:find")).status_code == 405


def test_it_exports_the_clients_own_data_as_a_readable_file(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    response = as_user(world.peer).get(reverse("clients:export", args=[client_of_group.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert NAME in body and client_of_group.short_code in body
    assert AuditEntry.objects.filter(action="export", object_id=str(client_of_group.pk)).exists()


def test_it_lets_the_group_correct_a_record(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    http = as_user(world.peer)
    url = reverse("clients:edit", args=[client_of_group.public_id])
    page = http.get(url).content.decode()
    assert NAME in page
    response = http.post(
        url,
        {
            "birth_year": "1994",
            "sex": "F",
            "gender_identity": "woman",
            "population_groups": ["fsw", "pwud"],
            "commune": world.ha_long.pk,
            "name": NAME,
            "nickname": "Su",
            "phone": "0912345678",
            "notes": "",
        },
    )
    assert response.status_code == 302
    client_of_group.refresh_from_db()
    assert client_of_group.birth_year == 1994
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.changes["fields"] == ["birth_year", "nickname", "population_groups"]
    assert "Su" not in str(entry.changes)


def test_it_changes_status_with_history(world: Any, as_user: Any, client_of_group: Client) -> None:
    http = as_user(world.leader)
    response = http.post(
        reverse("clients:status", args=[client_of_group.public_id]),
        {"status": "reintegrated", "changed_on": timezone.localdate().isoformat(), "note": ""},
        follow=True,
    )
    assert "Status changed" in response.content.decode(), response.content.decode()[-3000:]
    client_of_group.refresh_from_db()
    assert client_of_group.status == "reintegrated"
    assert list(client_of_group.status_history.values_list("status", flat=True))[0] == (
        "reintegrated"
    )


def test_a_resent_status_change_is_answered_with_the_same_success(
    world: Any, as_user: Any, client_of_group: Client
) -> None:
    """A double tap on "change status": the same success, one change in the history.
    Another change to the status the client already has is still refused clearly."""
    http = as_user(world.leader)
    url = reverse("clients:status", args=[client_of_group.public_id])
    data = {"status": "reintegrated", "changed_on": timezone.localdate().isoformat(), "note": ""}
    first, again = http.post(url, data, follow=True), http.post(url, data, follow=True)
    assert [m.level_tag for m in first.context["messages"]] == ["success"]
    assert [m.level_tag for m in again.context["messages"]] == ["success"]
    assert client_of_group.status_history.filter(status="reintegrated").count() == 1
    other = as_user(world.peer).post(url, data, follow=True)
    assert [m.level_tag for m in other.context["messages"]] == ["error"]
