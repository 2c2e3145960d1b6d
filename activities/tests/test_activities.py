from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityAttendance, ActivityParticipants
from audit.models import AuditEntry
from programs.models import Membership
from tests.factories import make_client

pytestmark = pytest.mark.django_db


def _activity(world, **kw):
    defaults = dict(
        actor=world.peer,
        kind="meeting",
        held_on=date(2024, 3, 5),
        support_model=world.model,
        peer_group=world.group,
        commune=world.ha_long,
        venue_type="group_place",
        participants={"member": 3},
    )
    defaults.update(kw)
    actor = defaults.pop("actor")
    return services.activity_record(actor=actor, record=services.ActivityRecord(**defaults))


# --- Access ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["activity_list", "activity_create"])
def test_it_hides_activity_pages_from_outsiders_and_wrong_roles(world, as_user, name):
    url = reverse(f"activities:{name}")
    for user in (world.nobody, world.provider, world.hotline, world.prov_manager, world.admin):
        assert as_user(user).get(url).status_code == 404, user
    assert as_user(world.peer).get(url).status_code == 200
    assert as_user(world.coordinator).get(url).status_code == 200


def test_it_redirects_anonymous_users_to_login(client):
    response = client.get(reverse("activities:activity_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_an_activity_only_within_scope(world, as_user):
    activity = _activity(world)
    url = reverse("activities:activity_detail", args=[activity.public_id])
    for user in (
        world.nobody,
        world.provider,
        world.hotline,
        world.prov_manager,
        world.peer_other_group,
        world.peer_other_province,
        world.coordinator_other,
    ):
        assert as_user(user).get(url).status_code == 404, user
    for user in (world.peer, world.leader, world.coordinator):
        assert as_user(user).get(url).status_code == 200, user


def test_it_lists_only_the_groups_activities(world, as_user, django_assert_max_num_queries):
    for i in range(5):
        _activity(world, held_on=date(2024, 3, i + 1))
    from programs.models import PeerGroup

    assert PeerGroup.objects.count() == 3
    services.activity_record(
        actor=world.peer_other_group,
        record=services.ActivityRecord(
            kind="meeting",
            held_on=date(2024, 3, 1),
            support_model=world.other_model,
            peer_group=world.other_group,
            commune=world.cam_pha,
            venue_type="group_place",
            participants={"member": 4},
            title="Other group's meeting",
        ),
    )
    http = as_user(world.peer)
    with django_assert_max_num_queries(12):
        response = http.get(reverse("activities:activity_list"))
    assert response.status_code == 200
    assert len(response.context["activities"]) == 5
    assert "Other group" not in response.content.decode()


# --- Recording ---------------------------------------------------------------------


def test_it_records_a_group_meeting_with_attendance(world, as_user):
    member = Membership.objects.get(peer_group=world.group)
    client = make_client(world, "HH2K7Q")
    response = as_user(world.peer).post(
        reverse("activities:activity_create"),
        {
            "kind": "meeting",
            "held_on": "2024-03-05",
            "support_model": world.model.pk,
            "peer_group": world.group.pk,
            "commune": world.ha_long.pk,
            "venue_type": "group_place",
            "topics": ["hiv_sti", "violence"],
            "members": [member.pk],
            "client_codes": "hh2k7q",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.kind == "meeting" and activity.peer_group == world.group
    assert activity.topics == ["hiv_sti", "violence"]
    assert set(ActivityAttendance.objects.values_list("member_id", "client_id")) == {
        (member.pk, None),
        (None, client.pk),
    }
    counts = dict(ActivityParticipants.objects.values_list("kind", "count"))
    assert counts == {"member": 1, "client": 1}
    entry = AuditEntry.objects.get(action="activity.record")
    assert "HH2K7Q" not in str(entry.changes)
    page = as_user(world.peer).get(response["Location"]).content.decode()
    assert "HH2K7Q" in page and member.alias in page


def test_it_refuses_a_client_code_of_another_group_and_keeps_what_was_typed(
    world, as_user, client_other_group
):
    response = as_user(world.peer).post(
        reverse("activities:activity_create"),
        {
            "kind": "meeting",
            "title": "Họp tháng 3",
            "held_on": "2024-03-05",
            "support_model": world.model.pk,
            "peer_group": world.group.pk,
            "commune": world.ha_long.pk,
            "venue_type": "group_place",
            "client_codes": client_other_group.short_code,
        },
    )
    assert response.status_code == 200
    assert "client_codes" in response.context["form"].errors
    assert "Họp tháng 3" in response.content.decode()
    assert not Activity.objects.exists()


def test_it_requires_at_least_one_participant(world, as_user):
    response = as_user(world.peer).post(
        reverse("activities:activity_create"),
        {
            "kind": "communication",
            "held_on": "2024-03-05",
            "support_model": world.model.pk,
            "peer_group": world.group.pk,
            "commune": world.ha_long.pk,
            "venue_type": "community",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Activity.objects.exists()


def test_it_records_a_communication_session_for_350_people(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("activities:activity_create"),
        {
            "kind": "communication",
            "audience": "community",
            "held_on": "2024-04-10",
            "support_model": world.model.pk,
            "commune": world.ha_long.pk,
            "venue_type": "community",
            "topics": ["violence"],
            "n_resident": "300",
            "n_member": "20",
            "n_owner": "30",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get()
    assert activity.total_participants == 350
    assert activity.organiser == world.agency  # the model's lead organisation


def test_it_refuses_a_group_of_another_model(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("activities:activity_create"),
        {
            "kind": "meeting",
            "held_on": "2024-03-05",
            "support_model": world.model.pk,
            "peer_group": world.other_group.pk,
            "commune": world.ha_long.pk,
            "venue_type": "group_place",
            "n_member": "5",
        },
    )
    assert response.status_code == 200
    assert "peer_group" in response.context["form"].errors


def test_it_refuses_a_meeting_in_a_commune_of_another_province_and_keeps_the_form(world, as_user):
    response = as_user(world.peer).post(
        reverse("activities:activity_create"),
        {
            "kind": "meeting",
            "held_on": "2024-03-05",
            "support_model": world.model.pk,
            "peer_group": world.group.pk,
            "commune": world.thuan_hoa.pk,  # Huế, while the model is in Quảng Ninh
            "venue_type": "group_place",
            "n_member": "5",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "commune" in form.errors
    assert form["n_member"].value() == "5"
    assert not Activity.objects.exists()


def test_it_takes_a_pre_2025_commune_only_if_it_now_lies_in_the_models_province(world):
    from django.core.exceptions import ValidationError

    from geo.models import CommuneConversion, LegacyCommune

    def legacy(code, new_commune):
        old = LegacyCommune.objects.create(
            code=code,
            name=f"Xã {code}",
            district_code="001",
            district_name="Huyện",
            province_code="00",
            province_name="Tỉnh cũ",
        )
        CommuneConversion.objects.create(old_commune=old, new_commune=new_commune, note="whole")
        return old

    inside, outside = legacy("90001", world.ha_long), legacy("90002", world.thuan_hoa)
    activity = _activity(world, commune=None, legacy_commune=inside)
    assert activity.legacy_commune == inside
    with pytest.raises(ValidationError) as refused:
        _activity(world, commune=None, legacy_commune=outside)
    assert "legacy_commune" in refused.value.message_dict


# --- Materials handed out and mobile health-check days ------------------------------


def _stock(world, quantity=50):
    from outreach.services import material_create, stock_receive

    material = material_create(actor=world.coordinator, name="Sổ tay quyền", theme="legal_aid")
    stock_receive(
        actor=world.coordinator,
        organisation=world.agency,
        item_kind="material",
        material=material,
        quantity=quantity,
        received_on=date(2024, 1, 1),
    )
    return material


def test_it_lowers_the_stock_for_materials_handed_out_at_an_activity(world, as_user):
    from outreach.models import MaterialStock

    material = _stock(world, quantity=50)
    activity = _activity(world)
    url = reverse("activities:activity_detail", args=[activity.public_id])
    http = as_user(world.peer)
    form = {
        "action": "distribute",
        "dist-item_kind": "material",
        "dist-material": material.pk,
        "dist-quantity": "30",
        "dist-organisation": world.agency.pk,
    }
    assert http.post(url, form).status_code == 302
    assert MaterialStock.objects.get(material=material).quantity == 20
    assert activity.distributions.get().distribution.quantity == 30
    # Handing out 30 more from a new page (its own one-time key): only 20 left. (The same
    # POST again without a key is a resend, answered with the first distribution.)
    response = http.post(url, {**form, "dist-once_key": str(uuid.uuid4())})
    assert response.status_code == 200
    assert response.context["distribute_form"].non_field_errors()
    assert MaterialStock.objects.get(material=material).quantity == 20
    assert as_user(world.peer_other_group).post(url, form).status_code == 404


def test_it_records_services_of_a_mobile_health_day_as_deliveries(world, as_user, client_a):
    from referrals.models import ServiceDelivery

    day = _activity(world, kind="health_day", participants={"worker": 12})
    url = reverse("activities:activity_detail", args=[day.public_id])
    response = as_user(world.peer).post(
        url,
        {
            "action": "deliver",
            "deliver-client_code": client_a.short_code,
            "deliver-service_type": "reproductive_health_check",
            "deliver-provider": world.clinic.pk,
        },
    )
    assert response.status_code == 302
    delivery = ServiceDelivery.objects.get()
    assert delivery.source == "mobile_day" and delivery.client == client_a
    assert delivery.delivered_on == day.held_on and delivery.category == "health"
    assert day.health_day_deliveries.get().delivery == delivery
    meeting = _activity(world)
    response = as_user(world.peer).get(
        reverse("activities:activity_detail", args=[meeting.public_id])
    )
    assert response.context["deliver_form"] is None


def test_the_kind_and_the_venue_of_an_activity_start_empty(world, as_user):
    http = as_user(world.peer)
    form = http.get(reverse("activities:activity_create")).context["form"]
    assert form["kind"].value() in (None, "") and form["venue_type"].value() in (None, "")
    # A link that says which kind (the home's "record a meeting") chooses it.
    url = reverse("activities:activity_create") + "?kind=meeting"
    assert http.get(url).context["form"]["kind"].value() == "meeting"


def test_a_meeting_starts_in_the_groups_commune_and_a_missing_one_is_named(world, as_user):
    http = as_user(world.peer)
    form = http.get(reverse("activities:activity_create") + "?kind=meeting").context["form"]
    assert form["commune"].value() == world.ha_long.pk
    response = http.post(
        reverse("activities:activity_create"),
        {
            "kind": "meeting",
            "held_on": "2024-03-01",
            "support_model": world.model.pk,
            "peer_group": world.group.pk,
            "venue_type": "group_place",
            "n_member": "5",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chọn xã/phường nơi diễn ra hoạt động." in body
    notice = body.split('data-testid="form-errors"')[1].split("</div>")[0]
    assert "Xã/phường" in notice or "Xã, phường" in notice


def test_the_home_panel_shows_each_activitys_participants_of_every_kind(world, as_user):
    """The home's recent activities count their participants in the statement that reads
    them: the same total as the activity's own (every kind), none for another group's."""
    both = _activity(world, title="Sinh hoạt nhóm tháng 3", participants={"member": 3, "worker": 4})
    assert both.total_participants == 7
    _activity(
        world,
        actor=world.peer_other_group,
        support_model=world.other_model,
        peer_group=world.other_group,
        commune=world.cam_pha,
        title="Khác",
    )
    body = as_user(world.peer).get(reverse("portal:home")).content.decode()
    panel = body[body.index('data-testid="activities-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert "Sinh hoạt nhóm tháng 3" in panel and "Khác" not in panel
    assert "7 participants" in panel or "7 người tham gia" in panel
