"""Opening a referral (sender's page, provider's inbox) or a client's referrals page writes
one "view" entry to the audit log; a 404 writes nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from audit.models import AuditEntry
from audit.verify import verify_chain

from .conftest import send


def _last_id() -> int:
    last = AuditEntry.objects.order_by("-pk").first()
    return last.pk if last else 0


def _new_entries(since: int) -> list[tuple[str, Any, str, str, str]]:
    return [
        (e.action, e.actor, e.object_type, e.object_id, e.changes.get("page"))
        for e in AuditEntry.objects.filter(pk__gt=since)
    ]


def test_it_records_one_view_of_the_senders_referral_page(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    url = reverse("referrals:detail", args=[referral.public_id])
    for user in (rworld.w.peer, rworld.w.coordinator):
        since = _last_id()
        assert as_user(user).get(url).status_code == 200
        assert _new_entries(since) == [
            ("view", user, "referrals.referral", str(referral.pk), "referrals:detail")
        ]
    assert verify_chain().ok


def test_it_records_one_view_of_the_providers_inbox_referral(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    since = _last_id()
    assert (
        as_user(rworld.w.provider)
        .get(reverse("referrals:inbox_detail", args=[referral.public_id]))
        .status_code
        == 200
    )
    assert _new_entries(since) == [
        (
            "view",
            rworld.w.provider,
            "referrals.referral",
            str(referral.pk),
            "referrals:inbox_detail",
        )
    ]


def test_it_records_a_view_when_a_refused_action_shows_the_referral_again(
    rworld: Any, as_user: Any
) -> None:
    referral = send(rworld)
    since = _last_id()
    url = reverse("referrals:inbox_action", args=[referral.public_id, "decline"])
    response = as_user(rworld.w.provider).post(url, {"reason": ""})
    assert response.status_code == 200  # the form asks for a reason
    assert _new_entries(since) == [
        (
            "view",
            rworld.w.provider,
            "referrals.referral",
            str(referral.pk),
            "referrals:inbox_detail",
        )
    ]


def test_it_records_one_view_of_the_clients_referrals_page(rworld: Any, as_user: Any) -> None:
    since = _last_id()
    url = reverse("referrals:client", args=[rworld.client.public_id])
    assert as_user(rworld.w.peer).get(url).status_code == 200
    assert _new_entries(since) == [
        ("view", rworld.w.peer, "clients.client", str(rworld.client.pk), "referrals:client")
    ]


def test_it_records_nothing_for_outsiders(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    since = _last_id()
    w = rworld.w
    sender_pages = [
        reverse("referrals:detail", args=[referral.public_id]),
        reverse("referrals:client", args=[rworld.client.public_id]),
    ]
    for user in (w.peer_other_group, w.peer_other_province, w.coordinator_other, w.provider):
        for url in sender_pages:
            assert as_user(user).get(url).status_code == 404, (user, url)
    inbox = reverse("referrals:inbox_detail", args=[referral.public_id])
    for user in (w.provider_other, w.provider_other_province, w.peer, w.coordinator):
        assert as_user(user).get(inbox).status_code == 404, user
    assert _new_entries(since) == []


def test_it_keeps_the_referral_pages_to_a_few_queries(
    rworld: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    referral = send(rworld)
    # About 9 statements for the page and the session, plus the one audit insert: 3 (head
    # row, insert, head update; no savepoint of its own, no advisory lock once the head
    # row exists), on SQLite and PostgreSQL alike.
    peer = as_user(rworld.w.peer)
    detail = reverse("referrals:detail", args=[referral.public_id])
    peer.get(detail)
    with django_assert_max_num_queries(13):
        assert peer.get(detail).status_code == 200
    provider = as_user(rworld.w.provider)
    inbox = reverse("referrals:inbox_detail", args=[referral.public_id])
    provider.get(inbox)
    with django_assert_max_num_queries(12):
        assert provider.get(inbox).status_code == 200


def test_it_records_one_view_of_the_slip_and_of_its_image(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    http = as_user(rworld.w.peer)
    for name in ("referrals:slip", "referrals:slip_png"):
        since = _last_id()
        assert http.get(reverse(name, args=[referral.public_id])).status_code == 200
        assert _new_entries(since) == [
            ("view", rworld.w.peer, "referrals.referral", str(referral.pk), name)
        ]
    since = _last_id()
    outsider = as_user(rworld.w.peer_other_group)
    assert outsider.get(reverse("referrals:slip", args=[referral.public_id])).status_code == 404
    assert _new_entries(since) == []
