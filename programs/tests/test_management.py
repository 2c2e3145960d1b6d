"""Programme management pages: who reaches them, and what they do."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from programs.models import Membership, Organisation, PeerGroup, SupportModel

WORLD_USERS = [
    "peer",
    "leader",
    "hotline",
    "provider",
    "coordinator",
    "prov_manager",
    "nat_manager",
    "admin",
    "peer_other_group",
    "peer_other_province",
    "provider_other",
    "provider_other_province",
    "coordinator_other",
    "prov_manager_other",
    "nobody",
]


def _member(w):
    return Membership.objects.get(peer_group=w.group, alias="Chị Lan")


# page name → (url builder, users who get the page; everyone else gets 404)
PAGES = {
    "model_list": (
        lambda w: reverse("programs:model_list"),
        {"coordinator", "coordinator_other", "admin"},
    ),
    "model_detail": (
        lambda w: reverse("programs:model_detail", args=[w.model.pk]),
        {"coordinator", "admin"},
    ),
    "model_create": (lambda w: reverse("programs:model_create"), {"admin"}),
    "model_edit": (
        lambda w: reverse("programs:model_edit", args=[w.model.pk]),
        {"coordinator", "admin"},
    ),
    "group_list": (
        lambda w: reverse("programs:group_list"),
        {"coordinator", "coordinator_other", "admin", "leader"},
    ),
    "group_detail": (
        lambda w: reverse("programs:group_detail", args=[w.group.pk]),
        {"coordinator", "admin", "leader"},
    ),
    "group_create": (
        lambda w: reverse("programs:group_create"),
        {"coordinator", "coordinator_other", "admin"},
    ),
    "group_edit": (
        lambda w: reverse("programs:group_edit", args=[w.group.pk]),
        {"coordinator", "admin"},
    ),
    "member_add": (
        lambda w: reverse("programs:member_add", args=[w.group.pk]),
        {"coordinator", "admin", "leader"},
    ),
    "member_edit": (
        lambda w: reverse("programs:member_edit", args=[w.group.pk, _member(w).pk]),
        {"coordinator", "admin", "leader"},
    ),
    "member_leave": (
        lambda w: reverse("programs:member_leave", args=[w.group.pk, _member(w).pk]),
        {"coordinator", "admin", "leader"},
    ),
    "org_list": (
        lambda w: reverse("programs:org_list"),
        {"coordinator", "coordinator_other", "admin"},
    ),
    "org_create": (
        lambda w: reverse("programs:org_create"),
        {"coordinator", "coordinator_other", "admin"},
    ),
    "org_edit_provider": (
        lambda w: reverse("programs:org_edit", args=[w.clinic.pk]),
        {"coordinator", "admin"},
    ),
    "org_edit_agency": (lambda w: reverse("programs:org_edit", args=[w.agency.pk]), {"admin"}),
}


@pytest.mark.parametrize("page_name", sorted(PAGES))
def test_it_serves_each_page_to_the_right_users_only(page_name, world, as_user):
    build, allowed = PAGES[page_name]
    url = build(world)
    for username in WORLD_USERS:
        response = as_user(getattr(world, username)).get(url)
        expected = 200 if username in allowed else 404
        assert response.status_code == expected, f"{page_name} as {username}"


def test_it_sends_anonymous_users_to_login(world, client):
    response = client.get(reverse("programs:group_detail", args=[world.group.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_answers_404_for_a_missing_group(world, as_user):
    response = as_user(world.admin).get(reverse("programs:group_detail", args=[99999]))
    assert response.status_code == 404


# --- list pages stay cheap -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["programs:model_list", "programs:group_list", "programs:org_list"]
)
def test_it_keeps_list_pages_to_a_few_queries(name, world, as_user, django_assert_max_num_queries):
    client = as_user(world.admin)
    for i in range(5):
        group = PeerGroup.objects.create(name=f"Extra {i}", support_model=world.model)
        Membership.objects.create(
            peer_group=group, alias=f"M{i}", role="core", joined_on=date(2020, 1, 1)
        )
        Organisation.objects.create(
            name=f"Org {i}", kind="provider", province=world.qn, commune=world.ha_long
        )
    with django_assert_max_num_queries(14):
        response = client.get(reverse(name))
    assert response.status_code == 200


# --- support models --------------------------------------------------------------


def _model_data(w, **extra):
    data = {
        "name": "Mô hình mới Cẩm Phả",
        "kind": SupportModel.Kind.PEER_CAPACITY,
        "province": w.qn.code,
        "communes": [w.cam_pha.code],
        "lead_organisation": w.agency.pk,
        "start_date": "2024-01-01",
        "end_date": "",
        "funding_source": "Ngân sách tỉnh",
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2023-12-20",
        "budget_vnd": "150000000",
    }
    data.update(extra)
    return data


def test_it_lets_an_administrator_create_a_support_model(world, as_user):
    response = as_user(world.admin).post(reverse("programs:model_create"), _model_data(world))
    model = SupportModel.objects.get(name="Mô hình mới Cẩm Phả")
    assert response.status_code == 302
    assert list(model.communes.all()) == [world.cam_pha]
    assert model.budget_vnd == 150_000_000
    entry = AuditEntry.objects.get(object_type="programs.supportmodel", object_id=str(model.pk))
    assert entry.action == "create"
    assert entry.actor == world.admin


def test_it_keeps_what_was_typed_and_names_the_wrong_field(world, as_user):
    data = _model_data(world, end_date="2023-01-01", communes=[world.thuan_hoa.code])
    response = as_user(world.admin).post(reverse("programs:model_create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Mô hình mới Cẩm Phả"' in html
    assert 'value="12/QĐ-UBND"' in html
    form = response.context["form"]
    assert "end_date" in form.errors
    assert "communes" in form.errors  # Thuận Hóa is in Huế, not Quảng Ninh
    assert not SupportModel.objects.filter(name="Mô hình mới Cẩm Phả").exists()


def test_it_lets_a_coordinator_edit_their_model_and_audits_the_field_names(world, as_user):
    data = _model_data(
        world, name=world.model.name, communes=[world.ha_long.code, world.cam_pha.code]
    )
    response = as_user(world.coordinator).post(
        reverse("programs:model_edit", args=[world.model.pk]), data
    )
    assert response.status_code == 302
    world.model.refresh_from_db()
    assert world.model.decision_number == "12/QĐ-UBND"
    assert set(world.model.communes.all()) == {world.ha_long, world.cam_pha}
    entry = AuditEntry.objects.filter(action="update", object_type="programs.supportmodel").get()
    assert "communes" in entry.changes["fields"]
    assert "decision_number" in entry.changes["fields"]
    assert "12/QĐ-UBND" not in str(entry.changes)  # names, never values


def test_it_refuses_a_coordinator_editing_another_model(world, as_user):
    response = as_user(world.coordinator_other).post(
        reverse("programs:model_edit", args=[world.model.pk]), _model_data(world, name="X")
    )
    assert response.status_code == 404
    world.model.refresh_from_db()
    assert world.model.name != "X"


# --- peer groups and members ---------------------------------------------------------


def test_it_lets_a_coordinator_create_a_group_in_their_model_only(world, as_user):
    client = as_user(world.coordinator)
    data = {
        "name": "Nhóm Bãi Cháy",
        "kind": "club",
        "communes": [world.ha_long.code],
        "active": "on",
    }
    refused = client.post(
        reverse("programs:group_create"), {**data, "support_model": world.hue_model.pk}
    )
    assert refused.status_code == 200
    assert "support_model" in refused.context["form"].errors
    created = client.post(
        reverse("programs:group_create"), {**data, "support_model": world.model.pk}
    )
    group = PeerGroup.objects.get(name="Nhóm Bãi Cháy")
    assert created.status_code == 302
    assert group.support_model == world.model
    assert group.kind == PeerGroup.Kind.CLUB


def test_it_refuses_group_communes_outside_the_models_province(world, as_user):
    response = as_user(world.coordinator).post(
        reverse("programs:group_create"),
        {
            "name": "Nhóm X",
            "kind": "peer",
            "support_model": world.model.pk,
            "communes": [world.thuan_hoa.code],
        },
    )
    assert response.status_code == 200
    assert "communes" in response.context["form"].errors


def test_it_lets_a_group_leader_add_a_member(world, as_user):
    response = as_user(world.leader).post(
        reverse("programs:member_add", args=[world.group.pk]),
        {"alias": "Bé Na", "role": "network", "joined_on": "2024-03-01", "left_on": ""},
    )
    assert response.status_code == 302
    member = Membership.objects.get(alias="Bé Na")
    assert member.peer_group == world.group
    assert member.role == Membership.Role.NETWORK
    assert AuditEntry.objects.filter(
        object_type="programs.membership", object_id=str(member.pk)
    ).exists()


def test_it_refuses_a_leaving_date_before_the_joining_date(world, as_user):
    client = as_user(world.leader)
    member = _member(world)
    add = client.post(
        reverse("programs:member_add", args=[world.group.pk]),
        {"alias": "Bé Na", "role": "core", "joined_on": "2024-03-01", "left_on": "2024-02-01"},
    )
    assert add.status_code == 200
    assert "left_on" in add.context["form"].errors
    assert 'value="Bé Na"' in add.content.decode()
    leave = client.post(
        reverse("programs:member_leave", args=[world.group.pk, member.pk]),
        {"left_on": "2019-01-01"},
    )
    assert leave.status_code == 200
    assert "left_on" in leave.context["form"].errors
    member.refresh_from_db()
    assert member.left_on is None


def test_it_marks_a_member_as_left(world, as_user):
    member = _member(world)
    response = as_user(world.coordinator).post(
        reverse("programs:member_leave", args=[world.group.pk, member.pk]),
        {"left_on": "2024-06-30"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == date(2024, 6, 30)
    page = as_user(world.coordinator).get(reverse("programs:group_detail", args=[world.group.pk]))
    assert page.context["former"] == [member]
    assert page.context["current"] == []


def test_it_lets_a_member_be_edited(world, as_user):
    member = _member(world)
    response = as_user(world.leader).post(
        reverse("programs:member_edit", args=[world.group.pk, member.pk]),
        {"alias": "Chị Lan", "role": "network", "joined_on": "2019-06-01", "left_on": ""},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == "network"


def test_it_refuses_a_peer_and_an_outside_leader_on_member_pages(world, as_user):
    data = {"alias": "X", "role": "core", "joined_on": "2024-01-01"}
    for user in (world.peer, world.peer_other_group):
        response = as_user(user).post(reverse("programs:member_add", args=[world.group.pk]), data)
        assert response.status_code == 404
    assert not Membership.objects.filter(alias="X").exists()


# --- organisations -------------------------------------------------------------------


def test_it_lets_a_coordinator_add_a_provider_in_their_province_only(world, as_user):
    client = as_user(world.coordinator)
    base = {"name": "Trung tâm tư vấn Cẩm Phả", "commune": world.cam_pha.code, "active": "on"}
    agency = client.post(
        reverse("programs:org_create"), {**base, "kind": "agency", "province": world.qn.code}
    )
    assert "kind" in agency.context["form"].errors
    hue = client.post(
        reverse("programs:org_create"), {**base, "kind": "provider", "province": world.hue.code}
    )
    assert "province" in hue.context["form"].errors
    ok = client.post(
        reverse("programs:org_create"), {**base, "kind": "provider", "province": world.qn.code}
    )
    assert ok.status_code == 302
    org = Organisation.objects.get(name="Trung tâm tư vấn Cẩm Phả")
    assert (org.kind, org.province, org.commune) == ("provider", world.qn, world.cam_pha)


def test_it_lets_an_administrator_create_any_kind_of_organisation(world, as_user):
    response = as_user(world.admin).post(
        reverse("programs:org_create"),
        {
            "name": "Karaoke Sao Mai",
            "kind": "establishment",
            "province": world.hue.code,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Karaoke Sao Mai").kind == "establishment"


def test_it_refuses_a_commune_outside_the_organisations_province(world, as_user):
    response = as_user(world.admin).post(
        reverse("programs:org_edit", args=[world.clinic.pk]),
        {
            "name": world.clinic.name,
            "kind": "provider",
            "province": world.qn.code,
            "commune": world.thuan_hoa.code,
        },
    )
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
