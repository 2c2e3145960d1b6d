"""User and grant administration: administrators only, every change audited."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Grant, Role, User
from audit.models import AuditEntry
from conftest import PASSWORD

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
    "coordinator_other",
    "prov_manager_other",
    "nobody",
]
GOOD_PASSWORD = "Cau-noi-vung-tau-2026"


def _pages(w):
    target = w.peer
    grant = target.grants.get()
    return {
        "user_list": ("get", reverse("accounts:user_list")),
        "user_create": ("get", reverse("accounts:user_create")),
        "user_detail": ("get", reverse("accounts:user_detail", args=[target.pk])),
        "user_password": ("get", reverse("accounts:user_password", args=[target.pk])),
        "grant_add": ("get", reverse("accounts:grant_add", args=[target.pk])),
        "user_set_active": ("post", reverse("accounts:user_set_active", args=[target.pk])),
        "grant_revoke": ("post", reverse("accounts:grant_revoke", args=[target.pk, grant.pk])),
        "two_factor_reset": ("post", reverse("accounts:two_factor_reset", args=[target.pk])),
    }


@pytest.mark.parametrize(
    "page_name",
    [
        "user_list",
        "user_create",
        "user_detail",
        "user_password",
        "grant_add",
        "user_set_active",
        "grant_revoke",
        "two_factor_reset",
    ],
)
def test_it_serves_user_pages_to_administrators_only(page_name, world, as_user):
    method, url = _pages(world)[page_name]
    for username in WORLD_USERS:
        if username == "admin":
            continue
        client = as_user(getattr(world, username))
        response = getattr(client, method)(url, {"active": "0"} if method == "post" else None)
        assert response.status_code == 404, f"{page_name} as {username}"
    # Nothing changed for the refused users.
    world.peer.refresh_from_db()
    assert world.peer.is_active
    assert world.peer.grants.get().active
    response = getattr(as_user(world.admin), method)(
        url, {"active": "1"} if method == "post" else None
    )
    assert response.status_code == (200 if method == "get" else 302)


def test_it_keeps_user_pages_behind_two_factor(world, client):
    client.force_login(world.admin)  # password only, no TOTP step
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")


def test_it_lists_users_in_a_few_queries(world, as_user, django_assert_max_num_queries):
    client = as_user(world.admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert len(response.context["users"]) == User.objects.count()


def test_it_creates_a_user_with_a_valid_password_and_audits_it(world, as_user):
    response = as_user(world.admin).post(
        reverse("accounts:user_create"),
        {
            "username": "ddv_moi",
            "full_name": "Đồng đẳng mới",
            "phone": "0912345678",
            "language": "vi",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    user = User.objects.get(username="ddv_moi")
    assert response.status_code == 302
    assert user.check_password(GOOD_PASSWORD)
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert entry.action == "create"
    assert GOOD_PASSWORD not in entry.payload()
    assert "0912345678" not in entry.payload()


def test_it_rejects_a_weak_password_next_to_the_field(world, as_user):
    response = as_user(world.admin).post(
        reverse("accounts:user_create"),
        {
            "username": "ddv_moi",
            "full_name": "Đồng đẳng mới",
            "language": "vi",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert 'value="ddv_moi"' in response.content.decode()
    assert not User.objects.filter(username="ddv_moi").exists()


def test_it_deactivates_a_user_who_then_cannot_log_in(world, as_user):
    response = as_user(world.admin).post(
        reverse("accounts:user_set_active", args=[world.peer.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    world.peer.refresh_from_db()
    assert not world.peer.is_active
    assert AuditEntry.objects.filter(object_type="accounts.user", changes__is_active=False).exists()
    client = HttpClient()
    login = client.post(reverse("accounts:login"), {"username": "peer", "password": PASSWORD})
    assert login.status_code == 200  # the form again, not a redirect
    assert "_auth_user_id" not in client.session


def test_it_refuses_to_deactivate_ones_own_account(world, as_user):
    as_user(world.admin).post(
        reverse("accounts:user_set_active", args=[world.admin.pk]), {"active": "0"}
    )
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_it_resets_a_password(world, as_user):
    response = as_user(world.admin).post(
        reverse("accounts:user_password", args=[world.peer.pk]),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    world.peer.refresh_from_db()
    assert world.peer.check_password(GOOD_PASSWORD)
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(world.peer.pk))
    assert entry.changes == {"fields": ["password"]}


def test_it_grants_a_role_only_with_its_matching_scope(world, as_user):
    client = as_user(world.admin)
    url = reverse("accounts:grant_add", args=[world.nobody.pk])
    missing = client.post(url, {"role": Role.COORDINATOR})
    assert missing.status_code == 200
    assert "support_model" in missing.context["form"].errors
    extra = client.post(url, {"role": Role.NATIONAL_MANAGER, "province": world.qn.code})
    assert "province" in extra.context["form"].errors
    assert not world.nobody.grants.exists()
    ok = client.post(url, {"role": Role.COORDINATOR, "support_model": world.other_model.pk})
    assert ok.status_code == 302
    grant = world.nobody.grants.get()
    assert (grant.role, grant.support_model, grant.created_by) == (
        Role.COORDINATOR,
        world.other_model,
        world.admin,
    )
    assert AuditEntry.objects.filter(object_type="accounts.grant", action="create").exists()


def test_it_revokes_a_grant_and_the_role_is_gone(world, as_user):
    grant = world.coordinator.grants.get()
    response = as_user(world.admin).post(
        reverse("accounts:grant_revoke", args=[world.coordinator.pk, grant.pk])
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert not grant.active
    page = as_user(world.coordinator).get(reverse("programs:model_list"))
    assert page.status_code == 404


def test_it_refuses_to_revoke_another_users_grant_through_the_wrong_url(world, as_user):
    grant = world.coordinator.grants.get()
    response = as_user(world.admin).post(
        reverse("accounts:grant_revoke", args=[world.peer.pk, grant.pk])
    )
    assert response.status_code == 404
    assert Grant.objects.get(pk=grant.pk).active


def test_it_resets_two_factor_so_the_user_sets_it_up_again(world, as_user):
    TOTPDevice.objects.create(user=world.coordinator, name="phone", confirmed=True)
    response = as_user(world.admin).post(
        reverse("accounts:two_factor_reset", args=[world.coordinator.pk])
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(world.coordinator.pk))
    assert entry.changes["two_factor"] == "reset"


def test_it_explains_a_weak_password_in_vietnamese(world, as_user):
    response = as_user(world.admin).post(
        reverse("accounts:user_create"),
        {
            "username": "ddv_yeu",
            "full_name": "Đồng đẳng mới",
            "language": "vi",
            "password1": "12345",
            "password2": "12345",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 10 ký tự." in html
    assert "This password" not in html
