"""Data-subject requests: due dates, the coordinator's panel, overdue flags, closing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from clients.models import DataSubjectRequest
from clients.subject_requests import request_record

from .conftest import register


def test_it_sets_due_dates_by_kind(world: Any) -> None:
    client = register(world)
    day = date(2026, 1, 5)
    view = request_record(actor=world.peer, client=client, kind="view", received_on=day)
    correct = request_record(actor=world.peer, client=client, kind="correct", received_on=day)
    erase = request_record(actor=world.peer, client=client, kind="erase", received_on=day)
    assert view.due_on == day + timedelta(days=10)
    assert correct.due_on == day + timedelta(days=10)
    assert erase.due_on == day + timedelta(days=20)


def test_it_records_a_request_from_the_page(world: Any, as_user: Any) -> None:
    client = register(world)
    http = as_user(world.peer)
    url = reverse("clients:request_add", args=[client.public_id])
    today = date.today().isoformat()
    assert http.post(url, {"kind": "view", "received_on": today}).status_code == 302
    assert DataSubjectRequest.objects.get().created_by == world.peer


def test_it_shows_open_requests_to_the_coordinator_until_closed(world: Any, as_user: Any) -> None:
    client = register(world)
    late = request_record(
        actor=world.peer, client=client, kind="view", received_on=date.today() - timedelta(20)
    )
    request_record(actor=world.peer, client=client, kind="erase", received_on=date.today())
    http = as_user(world.coordinator)
    home = http.get(reverse("portal:home")).content.decode()
    assert 'data-testid="dsr-panel"' in home
    assert home.count('data-testid="overdue"') == 1
    assert client.short_code in home
    close = reverse("clients:request_close", args=[late.pk])
    assert http.post(close, {"note": "sent the export"}).status_code == 302
    late.refresh_from_db()
    assert late.closed_at and late.closed_by == world.coordinator
    home = http.get(reverse("portal:home")).content.decode()
    assert 'data-testid="overdue"' not in home


@pytest.mark.parametrize("who", ["peer", "peer_other_group", "coordinator_other", "admin"])
def test_it_hides_the_requests_panel_and_closing_from_others(
    world: Any, as_user: Any, who: str
) -> None:
    client = register(world)
    request = request_record(actor=world.peer, client=client, kind="view", received_on=date.today())
    http = as_user(getattr(world, who))
    assert 'data-testid="dsr-panel"' not in http.get(reverse("portal:home")).content.decode()
    assert http.post(reverse("clients:request_close", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.closed_at is None
