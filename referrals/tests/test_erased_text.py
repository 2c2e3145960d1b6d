"""Free text about an erased client is not written back by a referral step that runs
after the erasure (issue 10 item 1: erasure wins over writes in flight)."""

from __future__ import annotations

from typing import Any

import pytest

from clients.erasure import client_erase
from referrals import services
from referrals.models import Referral, ReferralEvent

from .conftest import send

pytestmark = pytest.mark.django_db


def test_it_keeps_no_decline_reason_about_an_erased_client(rworld: Any) -> None:
    referral = send(rworld)
    stale = Referral.objects.get(pk=referral.pk)
    client_erase(actor=rworld.w.leader, client=rworld.client, reason="Client asked")
    services.referral_decline(
        actor=rworld.w.provider, referral=stale, reason="Chị Lan đã chuyển đi"
    )
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason == ""
    assert referral.reason == ""  # blanked by the erasure and not written back
    assert not ReferralEvent.objects.filter(referral=referral).exclude(note="").exists()


def test_it_keeps_the_reason_for_a_client_not_erased(rworld: Any) -> None:
    referral = send(rworld)
    services.referral_decline(actor=rworld.w.provider, referral=referral, reason="Hết chỗ")
    referral.refresh_from_db()
    assert referral.decline_reason == "Hết chỗ"
