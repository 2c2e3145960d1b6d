from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from safety import services
from safety.models import Incident
from tests.factories import make_client

pytestmark = pytest.mark.django_db

SECRET = "Chị ấy bị khách đánh ở nhà nghỉ ven biển tối thứ bảy"


def _incident(world, **kw):
    defaults = dict(
        actor=world.peer,
        occurred_on=date(2024, 5, 1),
        place_type="hotel",
        province=world.qn,
        commune=world.ha_long,
        violence_types=["physical", "threats"],
        perpetrator_kind="client",
        reported_via="peer",
        action_taken="counselled",
        peer_group=world.group,
        details=SECRET,
    )
    defaults.update(kw)
    actor = defaults.pop("actor")
    return services.incident_record(actor=actor, report=services.IncidentReport(**defaults))


def test_it_hides_incident_pages_from_outsiders_and_wrong_roles(world, as_user):
    incident = _incident(world)
    pages = [reverse("safety:incident_list"), reverse("safety:incident_create")]
    for url in pages:
        for user in (
            world.nobody,
            world.provider,
            world.prov_manager,
            world.nat_manager,
            world.admin,
        ):
            assert as_user(user).get(url).status_code == 404, (url, user)
        assert as_user(world.peer).get(url).status_code == 200
    assert as_user(world.coordinator).get(pages[0]).status_code == 200
    assert as_user(world.coordinator).get(pages[1]).status_code == 404  # views, never records
    detail = reverse("safety:incident_detail", args=[incident.public_id])
    for user in (
        world.nobody,
        world.provider,
        world.hotline,  # not recorded by the hotline
        world.prov_manager,
        world.nat_manager,
        world.admin,
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
    ):
        assert as_user(user).get(detail).status_code == 404, user
    for user in (world.peer, world.leader, world.coordinator):
        response = as_user(user).get(detail)
        assert response.status_code == 200 and SECRET in response.content.decode()


def test_it_lets_the_recording_hotline_see_its_incident(world, as_user):
    client = make_client(world, "HH2K7Q")
    incident = _incident(
        world,
        actor=world.hotline,
        peer_group=None,
        hotline=world.hotline_org,
        reported_via="hotline",
        client=client,
    )
    assert incident.support_model == world.model  # the client's model
    detail = reverse("safety:incident_detail", args=[incident.public_id])
    assert as_user(world.hotline).get(detail).status_code == 200
    assert as_user(world.coordinator).get(detail).status_code == 200
    assert as_user(world.peer).get(detail).status_code == 404  # not the recording group


def test_it_records_an_incident_with_encrypted_details(world, as_user, client_a):
    response = as_user(world.peer).post(
        reverse("safety:incident_create"),
        {
            "occurred_on": "2024-05-01",
            "place_type": "establishment",
            "province": world.qn.pk,
            "commune": world.ha_long.pk,
            "violence_types": ["economic", "papers"],
            "perpetrator_kind": "owner",
            "client_code": client_a.short_code,
            "reported_via": "peer_for_client",
            "action_taken": "referred",
            "protections": ["legal_aid"],
            "consent_alert": "on",
            "details": SECRET,
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.client == client_a and incident.peer_group == world.group
    assert set(incident.violence_types.values_list("code", flat=True)) == {"economic", "papers"}
    assert incident.consent_alert and not incident.consent_report and not incident.consent_share
    assert SECRET.encode() not in bytes(incident.details_blob)
    entry = AuditEntry.objects.get(action="incident.record")
    assert SECRET not in str(entry.changes) and client_a.short_code not in str(entry.changes)


def test_it_needs_a_violence_type_and_keeps_what_was_typed(world, as_user):
    response = as_user(world.peer).post(
        reverse("safety:incident_create"),
        {
            "occurred_on": "2024-05-01",
            "place_type": "street",
            "province": world.qn.pk,
            "perpetrator_kind": "police",
            "reported_via": "peer",
            "action_taken": "counselled",
            "details": "Bị giữ giấy tờ",
        },
    )
    assert response.status_code == 200
    assert "violence_types" in response.context["form"].errors
    assert "Bị giữ giấy tờ" in response.content.decode()


def test_it_leaves_every_consent_unticked_on_a_new_form(world, as_user):
    page = as_user(world.peer).get(reverse("safety:incident_create")).content.decode()
    for name in ("consent_report", "consent_share", "consent_alert"):
        tag = page.split(f'name="{name}"')[1].split(">")[0]
        assert "checked" not in tag


def test_it_lists_incidents_within_scope(world, as_user, django_assert_max_num_queries):
    for _ in range(4):
        _incident(world)
    _incident(world, actor=world.peer_other_group, peer_group=world.other_group)
    http = as_user(world.peer)
    with django_assert_max_num_queries(12):
        response = http.get(reverse("safety:incident_list"))
    assert len(response.context["incidents"]) == 4


def test_what_happened_starts_empty_and_must_be_chosen(world, as_user):
    """Who did it, where and what was done describe what happened: no default answers for
    the user, and leaving one out is refused by name."""
    http = as_user(world.peer)
    response = http.get(reverse("safety:incident_create"))
    form = response.context["form"]
    page = response.content.decode()
    for name in ("perpetrator_kind", "place_type", "action_taken"):
        assert form[name].value() in (None, ""), name
        select = page.split(f'name="{name}"')[1].split("</select>")[0]
        assert select.count("selected") == 1, name
        assert '<option value="" selected>— Chọn —</option>' in select, name
    response = http.post(
        reverse("safety:incident_create"),
        {
            "occurred_on": "2024-05-01",
            "province": world.qn.pk,
            "violence_types": ["physical"],
            "reported_via": "peer",
        },
    )
    assert response.status_code == 200 and not Incident.objects.exists()
    errors = response.context["form"].errors
    assert {"perpetrator_kind", "place_type", "action_taken"} <= set(errors)
