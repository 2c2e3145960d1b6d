"""Issue 15 item 5: incidents and alerts stay in the user's scope; the area's
coordinators (and the author while in scope) can always withdraw; the author never
gets a 404 on their own alert."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grant, Role
from accounts.scope import clear_cache
from safety import queries
from safety.models import Incident, SafetyAlert

from .test_alerts import _alert, _form, _incident

pytestmark = pytest.mark.django_db


def _incident_form(world, **kw):
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "place_type": "hotel",
        "province": world.hue.pk,
        "commune": world.thuan_hoa.pk,
        "violence_types": ["physical"],
        "perpetrator_kind": "client",
        "reported_via": "peer",
        "action_taken": "counselled",
        "consent_alert": "on",
    }
    data.update(kw)
    return data


def test_it_refuses_an_incident_recorded_in_another_province_on_the_page(world, as_user):
    response = as_user(world.peer).post(reverse("safety:incident_create"), _incident_form(world))
    assert response.status_code == 200
    assert "province" in response.context["form"].errors
    assert response.context["form"]["place_type"].value() == "hotel"  # kept
    assert not Incident.objects.exists()
    ok = as_user(world.peer).post(
        reverse("safety:incident_create"),
        _incident_form(world, province=world.qn.pk, commune=world.ha_long.pk),
    )
    assert ok.status_code == 302 and Incident.objects.get().province == world.qn


def test_it_offers_no_alert_from_an_old_incident_outside_the_users_area(world, as_user):
    # Recorded before the rule (straight into the table): a Quảng Ninh group, Huế.
    incident = Incident.objects.create(
        occurred_on=timezone.localdate(),
        place_type="hotel",
        province=world.hue,
        perpetrator_kind="client",
        reported_via="peer",
        peer_group=world.group,
        support_model=world.model,
        consent_alert=True,
        action_taken="counselled",
        recorded_by=world.peer,
    )
    url = reverse("safety:alert_create", args=[incident.public_id])
    for user in (world.peer, world.leader, world.coordinator):
        assert as_user(user).get(url).status_code == 404, user
        assert as_user(user).post(url, _form(world, province=world.hue.pk)).status_code == 404
    assert not SafetyAlert.objects.exists()


def _hue_alert(world):
    incident = _incident(
        world,
        actor=world.peer_other_province,
        peer_group=world.hue_group,
        province=world.hue,
        commune=world.thuan_hoa,
    )
    return _alert(
        world,
        incident=incident,
        actor=world.peer_other_province,
        approver=world.coordinator_other,
        province=world.hue,
        commune=world.thuan_hoa,
    )


def test_it_lets_the_areas_coordinators_always_withdraw(world, as_user):
    alert = _hue_alert(world)
    # Another model's coordinator in Huế, who never saw the incident.
    from programs.models import SupportModel

    second = SupportModel.objects.create(
        name="Mô hình tự lực Huế",
        kind=SupportModel.Kind.SELF_HELP,
        province=world.hue,
        start_date=world.hue_model.start_date,
    )
    Grant.objects.create(user=world.coordinator, role=Role.COORDINATOR, support_model=second)
    clear_cache(world.coordinator)
    assert queries.can_withdraw(world.coordinator, alert)
    url = reverse("safety:alert_withdraw", args=[alert.public_id])
    for user in (world.peer, world.leader, world.prov_manager_other, world.hotline):
        assert as_user(user).post(url).status_code == 404, user
    assert as_user(world.coordinator).post(url).status_code == 302
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.WITHDRAWN and alert.withdrawn_by == world.coordinator


def test_it_never_answers_404_to_the_author_and_stops_withdrawal_out_of_scope(world, as_user):
    alert = _hue_alert(world)
    detail = reverse("safety:alert_detail", args=[alert.public_id])
    # The author moves to a Quảng Ninh group: the alert is still theirs to read…
    Grant.objects.filter(user=world.peer_other_province).update(peer_group=world.group)
    http = as_user(world.peer_other_province)
    page = http.get(detail)
    assert page.status_code == 200 and alert.headline in page.content.decode()
    # …but withdrawing is for whoever works in Huế now.
    assert not page.context["can_withdraw"]
    assert http.post(reverse("safety:alert_withdraw", args=[alert.public_id])).status_code == 404
    assert (
        as_user(world.coordinator_other)
        .post(reverse("safety:alert_withdraw", args=[alert.public_id]))
        .status_code
        == 302
    )


def test_it_lets_the_author_see_and_cancel_a_pending_alert(world, as_user):
    alert = _alert(world, approver=False)
    detail = reverse("safety:alert_detail", args=[alert.public_id])
    assert as_user(world.peer).get(detail).status_code == 200
    # Nobody else in the province sees it before approval.
    for user in (world.peer_other_group, world.hotline, world.prov_manager, world.nat_manager):
        assert as_user(user).get(detail).status_code == 404, user
    assert (
        as_user(world.peer)
        .post(reverse("safety:alert_withdraw", args=[alert.public_id]))
        .status_code
        == 302
    )
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.WITHDRAWN and alert.headline == ""
    assert alert.approved_at is None  # withdrawn before it went out
