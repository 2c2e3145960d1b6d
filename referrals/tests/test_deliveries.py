from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from referrals.models import ServiceDelivery

pytestmark = pytest.mark.django_db


def test_it_records_a_walk_in_by_short_code(rworld: Any, as_user: Any) -> None:
    c = as_user(rworld.w.provider)
    url = reverse("referrals:provider_delivery")
    data = {
        "client_code": rworld.client.short_code,
        "source": "walk_in",
        "service_type": "sti_test_treatment",
        "delivered_on": date.today().isoformat(),
    }
    assert c.post(url, data).status_code == 302
    delivery = ServiceDelivery.objects.get()
    assert delivery.provider == rworld.w.clinic and delivery.category == "health"
    assert delivery.source == "walk_in" and delivery.recorded_by == rworld.w.provider


def test_it_warns_about_a_duplicate_but_allows_it(rworld: Any, as_user: Any) -> None:
    c = as_user(rworld.w.provider)
    url = reverse("referrals:provider_delivery")
    data = {
        "client_code": rworld.client.short_code,
        "source": "mobile_day",
        "service_type": "hiv_test",
        "delivered_on": date.today().isoformat(),
    }
    # Each entry on a new page, with its own one-time key (a keyless resend of the same
    # content would be answered with the first record: core/tests/test_once_forms.py).
    c.post(url, {**data, "once_key": str(uuid.uuid4())})
    again = c.post(url, {**data, "once_key": str(uuid.uuid4())})
    assert again.status_code == 200
    assert 'data-testid="duplicate-warning"' in again.content.decode()
    assert ServiceDelivery.objects.count() == 1
    confirmed = c.post(url, {**data, "confirm_duplicate": "on", "once_key": str(uuid.uuid4())})
    assert confirmed.status_code == 302
    assert ServiceDelivery.objects.count() == 2


def test_it_rejects_an_unknown_code_and_a_future_date(rworld: Any, as_user: Any) -> None:
    c = as_user(rworld.w.provider)
    url = reverse("referrals:provider_delivery")
    data = {
        "client_code": "ZZZZZZ",
        "source": "walk_in",
        "service_type": "hiv_test",
        "delivered_on": date.today().isoformat(),
    }
    assert c.post(url, data).status_code == 200
    future = (date.today() + timedelta(days=1)).isoformat()
    data.update(client_code=rworld.client.short_code, delivered_on=future)
    assert c.post(url, data).status_code == 200
    assert not ServiceDelivery.objects.exists()


def test_it_lets_the_peer_record_a_service_received_elsewhere(rworld: Any, as_user: Any) -> None:
    url = reverse("referrals:peer_delivery", args=[rworld.client.public_id])
    data = {
        "provider": rworld.w.legal.pk,
        "service_type": "loan",
        "delivered_on": "2024-03-01",
        "amount_vnd": "5000000",
    }
    assert as_user(rworld.w.peer_other_group).post(url, data).status_code == 404
    assert as_user(rworld.w.provider).post(url, data).status_code == 404
    assert as_user(rworld.w.peer).post(url, data).status_code == 302
    delivery = ServiceDelivery.objects.get()
    assert delivery.source == "peer_reported" and delivery.category == "education"
    assert delivery.amount_vnd == 5_000_000


def test_it_lists_provider_deliveries_of_its_own_organisation_only(
    rworld: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    from referrals.deliveries import delivery_record

    for _ in range(3):
        delivery_record(
            actor=rworld.w.provider,
            client=rworld.client,
            service_type="gyn_exam",
            provider=rworld.w.clinic,
            delivered_on=date(2024, 5, 1),
            source="walk_in",
        )
    c = as_user(rworld.w.provider)
    with django_assert_max_num_queries(10):
        page = c.get(reverse("referrals:provider_deliveries")).content.decode()
    assert page.count(rworld.client.short_code) == 3
    other = as_user(rworld.w.provider_other).get(reverse("referrals:provider_deliveries"))
    assert rworld.client.short_code not in other.content.decode()
    assert as_user(rworld.w.peer).get(reverse("referrals:provider_deliveries")).status_code == 404


def test_it_shows_the_follow_up_page_to_senders(
    rworld: Any, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    from .conftest import send

    r1 = send(rworld)
    send(rworld, urgency="emergency")
    c = as_user(rworld.w.provider)
    c.post(
        reverse("referrals:inbox_action", args=[r1.public_id, "complete"]),
        {"delivered_on": date.today().isoformat(), "service_types": ["gyn_exam"]},
    )
    peer = as_user(rworld.w.peer)
    with django_assert_max_num_queries(12):
        page = peer.get(reverse("referrals:follow_up"))
    assert page.status_code == 200
    assert page.context["total"].sent == 2 and page.context["total"].completed == 1
    # Completed ÷ sent, as in the report (the emergency referral is still open).
    assert page.context["total"].completion_rate == 50.0
    assert (
        as_user(rworld.w.coordinator).get(reverse("referrals:follow_up")).context["total"].sent == 2
    )
    other = as_user(rworld.w.peer_other_group).get(reverse("referrals:follow_up"))
    assert other.context["total"].sent == 0
    for user in (rworld.w.provider, rworld.w.nobody, rworld.w.prov_manager):
        assert as_user(user).get(reverse("referrals:follow_up")).status_code == 404


def test_a_delivery_loaded_from_a_fixture_gets_its_report_category(rworld: Any) -> None:
    """loaddata saves raw (no save()); the category is still derived from the service type."""
    from django.core import serializers

    payload = [
        {
            "model": "referrals.servicedelivery",
            "fields": {
                "public_id": "6b1d3f0e-7f43-4f4e-9a53-3b2f4f1c0a11",
                "client": rworld.client.pk,
                "service_type": "identity_papers",
                "provider": rworld.w.legal.pk,
                "delivered_on": "2024-03-01",
                "source": "walk_in",
                "recorded_by": rworld.w.provider.pk,
                "created_at": "2024-03-01T08:00:00Z",
            },
        }
    ]
    for obj in serializers.deserialize("json", json.dumps(payload)):
        obj.save()
    assert ServiceDelivery.objects.get().category == "legal"


def test_a_clients_services_are_read_only_within_the_readers_scope(
    rworld: Any, as_user: Any
) -> None:
    """The client page's services received (queries.deliveries_of_client) carry the scope
    in the statement itself: the client's own group sees them; a peer of another group, a
    provider without a sending role and a hotline counsellor see none, whatever client they
    name."""
    from referrals import queries

    c = as_user(rworld.w.provider)
    data = {
        "client_code": rworld.client.short_code,
        "source": "walk_in",
        "service_type": "sti_test_treatment",
        "delivered_on": date.today().isoformat(),
    }
    assert c.post(reverse("referrals:provider_delivery"), data).status_code == 302
    delivery = ServiceDelivery.objects.get()
    assert list(queries.deliveries_of_client(rworld.w.peer, rworld.client)) == [delivery]
    for outsider in (rworld.w.peer_other_group, rworld.w.provider, rworld.w.hotline):
        assert list(queries.deliveries_of_client(outsider, rworld.client)) == []
