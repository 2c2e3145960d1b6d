"""The sender's home panel and the defaults of the delivery forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Organisation
from referrals import services
from referrals.forms import CompleteForm, PeerDeliveryForm

from .conftest import send

pytestmark = pytest.mark.django_db


def _panel(http: Any) -> list[int]:
    """The referrals, in order, of the "Referrals I follow" panel on the home page."""
    panels = http.get(reverse("portal:home")).context["panels"]
    panel = next(p for p in panels if p["template"] == "referrals/_home_sent.html")
    return [r.pk for r in panel["context"]["recent"]]


def test_it_puts_open_emergencies_first_on_the_senders_home_page(rworld: Any, as_user: Any) -> None:
    emergency = send(rworld, urgency="emergency", reason="Bị đánh")
    routine = send(rworld, reason="Khám định kỳ")
    services.referral_accept(actor=rworld.w.provider, referral=routine)  # changed last
    assert _panel(as_user(rworld.w.peer)) == [emergency.pk, routine.pk]


def test_it_lists_the_newest_change_first_among_the_rest(rworld: Any, as_user: Any) -> None:
    first = send(rworld, reason="Một")
    second = send(rworld, reason="Hai")
    services.referral_accept(actor=rworld.w.provider, referral=first)
    assert _panel(as_user(rworld.w.peer)) == [first.pk, second.pk]


def test_the_delivery_forms_start_on_today() -> None:
    today = timezone.localdate()
    assert CompleteForm()["delivered_on"].value() == today
    assert PeerDeliveryForm(providers=Organisation.objects.none())["delivered_on"].value() == today
