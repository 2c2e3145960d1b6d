from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from notifications.models import Notification
from referrals.models import Referral, ServiceDelivery

from .conftest import send

pytestmark = pytest.mark.django_db


def test_it_finds_a_referral_by_typed_code(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    typed = f" {referral.code[:4].lower()}-{referral.code[4:].lower()} "
    response = c.post(reverse("referrals:inbox_find"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:inbox_detail", args=[referral.public_id])
    scanned = "http://example.org" + reverse("referrals:inbox_find") + "#" + referral.code
    response = c.post(reverse("referrals:inbox_find"), {"code": scanned})
    assert response.status_code == 302
    wrong = c.post(reverse("referrals:inbox_find"), {"code": "ZZZZZZZZ"})
    assert (
        wrong.status_code == 200
        and "No referral" in wrong.content.decode()
        or ("Không có" in wrong.content.decode())
    )


def test_it_keeps_the_referral_code_out_of_every_url_path(rworld: Any, as_user: Any) -> None:
    """The code reaches the server only in a POST body: never in a request line, so never
    in an access log (issue 15 item 6)."""
    from django.urls import NoReverseMatch

    referral = send(rworld)
    with pytest.raises(NoReverseMatch):
        reverse("referrals:scan", args=[referral.code])
    assert as_user(rworld.w.provider).get(f"/referrals/r/{referral.code}/").status_code == 404
    slip = as_user(rworld.w.peer).get(reverse("referrals:slip", args=[referral.public_id]))
    page = slip.content.decode()
    assert f"/r/{referral.code}" not in page
    find = as_user(rworld.w.provider).get(reverse("referrals:inbox_find"))
    assert b"data-code-from-fragment" in find.content


def test_it_finds_a_scanned_referral_for_the_right_provider_only(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    scanned = {"code": "http://testserver/referrals/inbox/find/#" + referral.code}
    url = reverse("referrals:inbox_find")
    assert as_user(rworld.w.provider).post(url, scanned).status_code == 302
    assert as_user(rworld.w.provider_other).post(url, scanned).status_code == 200  # not found
    for user in (rworld.w.peer, rworld.w.nobody, rworld.w.coordinator):
        assert as_user(user).post(url, scanned).status_code == 404


def test_it_gives_404_to_staff_of_another_organisation(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    detail = reverse("referrals:inbox_detail", args=[referral.public_id])
    accept = reverse("referrals:inbox_action", args=[referral.public_id, "accept"])
    other = as_user(rworld.w.provider_other)
    assert other.get(detail).status_code == 404
    assert other.post(accept).status_code == 404
    assert other.post(reverse("referrals:inbox_find"), {"code": referral.code}).status_code == 200
    assert as_user(rworld.w.provider_other_province).get(detail).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_it_gives_404_to_a_peer_of_another_group(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.peer_other_group)
    for name in ("referrals:detail", "referrals:slip", "referrals:slip_png"):
        assert c.get(reverse(name, args=[referral.public_id])).status_code == 404
    assert c.post(reverse("referrals:cancel", args=[referral.public_id])).status_code == 404
    assert c.get(reverse("referrals:client", args=[rworld.client.public_id])).status_code == 404
    # Provider staff never reach the sending side's pages.
    provider = as_user(rworld.w.provider)
    assert provider.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 404


def test_it_shows_the_provider_only_code_reason_urgency(rworld: Any, as_user: Any) -> None:
    referral = send(rworld, urgency="urgent", note="Cần nữ bác sĩ")
    page = (
        as_user(rworld.w.provider)
        .get(reverse("referrals:inbox_detail", args=[referral.public_id]))
        .content.decode()
    )
    assert rworld.client.short_code in page and "Cần khám phụ khoa" in page
    # Population groups only when the sender shared them (test_provider_shares.py).
    assert "Female sex worker" not in page and "Phụ nữ bán dâm" not in page
    assert rworld.client.uic not in page
    assert reverse("referrals:client", args=[rworld.client.public_id]) not in page


def test_it_runs_the_status_flow_and_notifies_the_sender(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    action = lambda a: reverse("referrals:inbox_action", args=[referral.public_id, a])  # noqa: E731
    assert c.post(action("accept")).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.accepted_by == rworld.w.provider
    assert Notification.objects.filter(user=rworld.w.peer, kind="referral.status").count() == 1
    # Completing needs what was delivered; errors keep the form.
    bad = c.post(action("complete"), {"delivered_on": date.today().isoformat()})
    assert bad.status_code == 200 and Referral.objects.get().status == "accepted"
    future = (date.today() + timedelta(days=2)).isoformat()
    bad = c.post(action("complete"), {"delivered_on": future, "service_types": ["gyn_exam"]})
    assert bad.status_code == 200 and Referral.objects.get().status == "accepted"
    ok = c.post(
        action("complete"),
        {"delivered_on": date.today().isoformat(), "service_types": ["gyn_exam", "hiv_test"]},
    )
    assert ok.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.completed_by == rworld.w.provider
    rows = ServiceDelivery.objects.filter(referral=referral).order_by("service_type")
    assert [(d.service_type, d.category, d.source) for d in rows] == [
        ("gyn_exam", "health", "referral"),
        ("hiv_test", "health", "referral"),
    ]
    assert [e.status for e in referral.events.all()] == ["sent", "accepted", "completed"]
    # Closed: no further steps.
    assert c.post(action("no-show")).status_code == 302
    assert Referral.objects.get().status == "completed"
    # The sender's home page shows the status change.
    home = as_user(rworld.w.peer).get(reverse("portal:home")).content.decode()
    assert 'data-status="completed"' in home and referral.code in home


def test_it_needs_a_reason_to_decline(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    url = reverse("referrals:inbox_action", args=[referral.public_id, "decline"])
    assert c.post(url, {"reason": ""}).status_code == 200
    assert Referral.objects.get().status == "sent"
    assert c.post(url, {"reason": "Hết chỉ tiêu"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason == "Hết chỉ tiêu"
    assert referral.declined_by == rworld.w.provider


def test_it_records_a_no_show(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    c.post(reverse("referrals:inbox_action", args=[referral.public_id, "no-show"]))
    referral.refresh_from_db()
    assert referral.status == "no_show" and referral.no_show_at is not None


def test_it_lets_the_sender_cancel(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    url = reverse("referrals:cancel", args=[referral.public_id])
    assert as_user(rworld.w.provider).post(url).status_code == 404
    assert as_user(rworld.w.leader).post(url, {"reason": "Đã tự đi khám"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "cancelled" and referral.cancelled_by == rworld.w.leader


def test_it_lists_the_inbox_with_few_queries(
    rworld: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        send(rworld)
    send(rworld, service=rworld.s.sti, urgency="emergency")
    c = as_user(rworld.w.provider)
    with django_assert_max_num_queries(12):
        page = c.get(reverse("referrals:inbox"))
    assert page.status_code == 200
    assert (
        as_user(rworld.w.provider_other)
        .get(reverse("referrals:inbox"))
        .content.count(b'class="row"')
        == 0
    )
    for user in (rworld.w.peer, rworld.w.nobody, rworld.w.coordinator):
        assert as_user(user).get(reverse("referrals:inbox")).status_code == 404


def test_it_shows_the_delivery_in_the_clients_services(rworld: Any, as_user: Any) -> None:
    referral = send(rworld)
    c = as_user(rworld.w.provider)
    c.post(
        reverse("referrals:inbox_action", args=[referral.public_id, "complete"]),
        {"delivered_on": date.today().isoformat(), "service_types": ["gyn_exam"]},
    )
    page = as_user(rworld.w.peer).get(reverse("referrals:client", args=[rworld.client.public_id]))
    assert 'data-testid="client-deliveries"' in page.content.decode()
    assert rworld.w.clinic.name in page.content.decode()


def test_a_notification_reads_in_the_readers_language(rworld: Any, as_user: Any) -> None:
    """Written while the sender read Vietnamese, shown in English after the switch: the
    notification keeps a message key, not only the words of the day it was written."""
    from accounts.models import User
    from notifications.models import Notification
    from referrals import services as referral_services
    from referrals.tests.conftest import send as send_referral

    User.objects.filter(pk=rworld.w.peer.pk).update(language="vi")
    rworld.w.peer.refresh_from_db()
    referral = send_referral(rworld)
    referral_services.referral_accept(actor=rworld.w.provider, referral=referral)
    note = Notification.objects.get(user=rworld.w.peer, kind="referral.status")
    assert note.message_key == "referral.status"
    assert note.message_params == {"code": referral.code, "status": "accepted"}
    assert referral.code not in str(note.message_params.keys())
    User.objects.filter(pk=rworld.w.peer.pk).update(language="en")
    page = as_user(rworld.w.peer).get(reverse("notifications:list")).content.decode()
    assert f"Referral {referral.code}: accepted" in page
    User.objects.filter(pk=rworld.w.peer.pk).update(language="vi")
    page = as_user(rworld.w.peer).get(reverse("notifications:list")).content.decode()
    assert f"Referral {referral.code}: accepted" not in page and referral.code in page
