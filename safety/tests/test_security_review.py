"""Regression tests for the security review: alerts only in the incident's province by
someone who may publish from it, one message for client codes, no names in free text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from referrals.queries import NOT_AVAILABLE
from safety.forms import AlertForm, AlertWithdrawForm, IncidentForm
from safety.models import Incident, SafetyAlert
from tests.factories import make_client

from .test_alerts import _alert, _form, _incident

pytestmark = pytest.mark.django_db

NO_NAMES = "Do not write names or phone numbers here."


@pytest.fixture
def english():
    with translation.override("en"):
        yield


# --- 1. Alerts only in the incident's province ------------------------------------------


def test_it_offers_only_the_incidents_province_and_its_communes(world):
    incident = _incident(world)
    form = AlertForm(user=world.peer, incident=incident)
    assert list(form.fields["province"].queryset) == [world.qn]
    communes = set(form.fields["commune"].queryset)
    assert world.ha_long in communes and world.thuan_hoa not in communes
    # Someone who may not publish from the incident is offered nothing.
    outsider = AlertForm(user=world.peer_other_group, incident=incident)
    assert not outsider.fields["province"].queryset.exists()
    assert not outsider.fields["commune"].queryset.exists()


def test_it_refuses_an_alert_posted_for_another_province(world, as_user):
    incident = _incident(world)
    url = reverse("safety:alert_create", args=[incident.public_id])
    response = as_user(world.peer).post(
        url, _form(world, province=world.hue.pk, commune=world.thuan_hoa.pk)
    )
    assert response.status_code == 200
    assert "province" in response.context["form"].errors
    response = as_user(world.peer).post(url, _form(world, commune=world.thuan_hoa.pk))
    assert "commune" in response.context["form"].errors
    assert not SafetyAlert.objects.exists()


def test_it_refuses_another_province_in_the_service(world, english):
    incident = _incident(world)
    with pytest.raises(ValidationError) as exc:
        _alert(world, incident=incident, province=world.hue, commune=None)
    assert exc.value.message_dict["province"] == [
        "An alert can only be published in the province of the incident."
    ]
    with pytest.raises(ValidationError) as exc:
        _alert(world, incident=incident, commune=world.thuan_hoa)
    assert "commune" in exc.value.message_dict
    assert not SafetyAlert.objects.exists()


def test_it_refuses_a_publisher_who_cannot_see_the_incident(world, english):
    incident = _incident(world)
    for user in (
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
        world.hotline,
        world.prov_manager,
        world.nat_manager,
    ):
        with pytest.raises(ValidationError) as exc:
            _alert(world, incident=incident, actor=user)
        assert "You cannot publish an alert from this incident." in exc.value.messages, user
    assert not SafetyAlert.objects.exists()
    assert _alert(world, incident=incident, actor=world.coordinator).province == world.qn


def test_it_keeps_incidents_and_alerts_in_the_recorders_province(world, english):
    # Issue 15 item 5: a Quảng Ninh peer recorded an incident in Huế and published there.
    with pytest.raises(ValidationError) as exc:
        _incident(world, province=world.hue, commune=world.thuan_hoa)
    assert exc.value.message_dict["province"] == [
        "Record an incident in your peer group's province only."
    ]
    assert not Incident.objects.exists()


# --- 4. One message for client codes ---------------------------------------------------


def test_it_says_the_same_for_unknown_and_out_of_scope_codes(world, client_other_group):
    make_client(world, "HUE777", group=world.hue_group)
    for code in ("ZZZZZZ", client_other_group.short_code, "HUE777"):
        form = IncidentForm(
            {"client_code": code},
            user=world.peer,
            reported_via_choices=[("peer", "peer")],
        )
        assert form.errors["client_code"] == [str(NOT_AVAILABLE)], code


# --- 5. No names in free text; the withdraw reason is audited --------------------------


def test_it_warns_against_names_in_free_text(world):
    incident = _incident(world)
    with translation.override("en"):
        assert NO_NAMES in str(AlertWithdrawForm().fields["reason"].help_text)
        form = IncidentForm(user=world.peer, reported_via_choices=[("peer", "peer")])
        assert NO_NAMES in str(form.fields["details"].help_text)
    with translation.override("vi"):
        assert "Không ghi tên hay số điện thoại ở đây." in str(
            AlertWithdrawForm().fields["reason"].help_text
        )
    assert incident.pk


def test_it_records_the_withdraw_reason_in_the_audit(world, as_user):
    alert = _alert(world)
    detail = reverse("safety:alert_detail", args=[alert.public_id])
    page = as_user(world.peer).get(detail).content.decode()
    assert 'name="reason"' in page
    response = as_user(world.peer).post(
        reverse("safety:alert_withdraw", args=[alert.public_id]),
        {"reason": "Người này đã bị bắt"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.withdrawn_at is not None
    entry = AuditEntry.objects.get(action="alert.withdraw")
    assert entry.reason == "Người này đã bị bắt"
