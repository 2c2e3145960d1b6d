"""Issue 15, item 7: enrolment codes instead of trust on first use, an absolute session
lifetime, a per-address lockout, the client address behind a proxy, common Vietnamese
passwords, and an audit entry for every login, failure and lockout."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.client_ip import client_ip
from accounts.models import EnrolmentCode
from accounts.password_validation import VietnameseCommonPasswordValidator
from accounts.services import ENROLMENT_MAX_FAILURES, enrolment_code_issue
from audit.models import AuditEntry
from conftest import PASSWORD, login

GOOD_PASSWORD = "Hoa-sen-no-giua-dong-2026"


def _login(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def _logged_in_awaiting_two_factor(username="coordinator"):
    client = HttpClient()
    assert _login(client, username).status_code == 302
    return client


def _enrol(client, code):
    """Give the enrolment code, then confirm the new device with a TOTP code."""
    response = client.post(reverse("accounts:two_factor"), {"code": code})
    assert response.status_code == 302, response.context["form"].errors
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user__username="coordinator", confirmed=False)
    return client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})


# --- Two-factor enrolment needs a code from an administrator ----------------------------


def test_it_shows_no_secret_to_a_password_holder_without_an_enrolment_code(world):
    client = _logged_in_awaiting_two_factor()
    page = client.get(reverse("accounts:two_factor"))
    html = page.content.decode()
    assert page.context["needs_code"]
    assert "<svg" not in html and "totp-secret" not in html
    assert "Hỏi quản trị viên" in html  # no code is waiting: say who to ask
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()
    # A TOTP code posted straight away is not a way round it.
    client.post(reverse("accounts:two_factor"), {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=world.coordinator, confirmed=True).exists()
    assert client.get(reverse("portal:home"))["Location"] == reverse("accounts:two_factor")


def test_it_refuses_a_wrong_enrolment_code_in_vietnamese_and_keeps_no_secret_shown(world):
    enrolment_code_issue(actor=world.admin, user=world.coordinator)
    client = _logged_in_awaiting_two_factor()
    response = client.post(reverse("accounts:two_factor"), {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 200
    assert "Mã kích hoạt này không đúng" in response.content.decode()
    assert 'value="AAAA-BBBB-CCCC"' in response.content.decode()
    assert "<svg" not in response.content.decode()


def test_it_enrols_with_the_code_once_and_the_code_cannot_be_used_again(world):
    code = enrolment_code_issue(actor=world.admin, user=world.coordinator)
    client = _logged_in_awaiting_two_factor()
    assert _enrol(client, code).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    stored = EnrolmentCode.objects.get(user=world.coordinator)
    assert stored.used_at is not None
    assert code.replace("-", "") not in stored.code_hash  # only a hash is kept
    # After a reset the old code is dead: only the new one works.
    TOTPDevice.objects.filter(user=world.coordinator).delete()
    other = _logged_in_awaiting_two_factor()
    refused = other.post(reverse("accounts:two_factor"), {"code": code})
    assert refused.status_code == 200 and refused.context["needs_code"]


def test_it_kills_the_code_after_repeated_wrong_tries(world):
    code = enrolment_code_issue(actor=world.admin, user=world.coordinator)
    client = _logged_in_awaiting_two_factor()
    for _ in range(ENROLMENT_MAX_FAILURES):
        client.post(reverse("accounts:two_factor"), {"code": "AAAA-BBBB-CCCC"})
    right = client.post(reverse("accounts:two_factor"), {"code": code})
    assert right.status_code == 200  # the right code no longer works either
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()
    wrong = AuditEntry.objects.filter(changes__two_factor="enrolment_code_wrong")
    assert wrong.count() == ENROLMENT_MAX_FAILURES


def test_it_refuses_an_expired_enrolment_code(world, settings):
    code = enrolment_code_issue(actor=world.admin, user=world.coordinator)
    EnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = _logged_in_awaiting_two_factor()
    response = client.post(reverse("accounts:two_factor"), {"code": code})
    assert response.status_code == 200 and response.context["needs_code"]


def test_it_stops_an_earlier_code_and_a_half_done_set_up_when_a_new_code_is_issued(world):
    first = enrolment_code_issue(actor=world.admin, user=world.coordinator)
    client = _logged_in_awaiting_two_factor()
    client.post(reverse("accounts:two_factor"), {"code": first})
    seen = client.get(reverse("accounts:two_factor")).context["secret"]
    second = enrolment_code_issue(actor=world.admin, user=world.coordinator)
    # The secret shown under the first code is gone; the first code no longer works.
    assert not TOTPDevice.objects.filter(user=world.coordinator).exists()
    assert client.get(reverse("accounts:two_factor")).context["needs_code"]
    assert client.post(reverse("accounts:two_factor"), {"code": first}).status_code == 200
    assert _enrol(client, second).status_code == 302
    device = TOTPDevice.objects.get(user=world.coordinator)
    assert device.confirmed and seen not in device.config_url


def test_it_shows_the_code_once_to_the_administrator_who_creates_an_account(world, as_user):
    admin = as_user(world.admin)
    response = admin.post(
        reverse("accounts:user_create"),
        {
            "username": "cb_moi",
            "full_name": "Cán bộ mới",
            "language": "vi",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    first = admin.get(response["Location"])
    code = first.context["issued_code"]
    assert code and code in first.content.decode()
    assert first["Cache-Control"].count("no-store") == 1
    again = admin.get(response["Location"])
    assert again.context["issued_code"] is None
    assert code not in again.content.decode()
    entry = AuditEntry.objects.get(object_type="accounts.enrolmentcode")
    assert code not in entry.payload() and code.replace("-", "") not in entry.payload()


def test_it_issues_a_code_when_resetting_two_factor_and_on_request(world, as_user):
    TOTPDevice.objects.create(user=world.coordinator, name="phone", confirmed=True)
    admin = as_user(world.admin)
    reset = admin.post(reverse("accounts:two_factor_reset", args=[world.coordinator.pk]))
    code = admin.get(reset["Location"]).context["issued_code"]
    assert code
    client = _logged_in_awaiting_two_factor()
    assert _enrol(client, code).status_code == 302
    # On request: a fresh code, the previous one stops working.
    TOTPDevice.objects.filter(user=world.coordinator).delete()
    issued = admin.post(reverse("accounts:enrolment_code_issue", args=[world.coordinator.pk]))
    new_code = admin.get(issued["Location"]).context["issued_code"]
    assert new_code and new_code != code


def test_it_lets_only_administrators_issue_codes(world, as_user):
    url = reverse("accounts:enrolment_code_issue", args=[world.coordinator.pk])
    for user in (world.peer, world.coordinator, world.prov_manager, world.nat_manager):
        assert as_user(user).post(url).status_code == 404
    assert not EnrolmentCode.objects.exists()


def test_it_issues_a_code_from_the_command_line(world):
    out = io.StringIO()
    call_command("enrolment_code", "coordinator", stdout=out)
    code = out.getvalue().strip()
    client = _logged_in_awaiting_two_factor()
    assert _enrol(client, code).status_code == 302


# --- Sessions have an absolute lifetime -------------------------------------------------


def test_it_ends_a_busy_session_at_its_time_limit(world, settings):
    client = HttpClient()
    _login(client, "peer")
    session = client.session
    assert session["session_started"] <= int(time.time())
    session["session_started"] = int(time.time()) - settings.SESSION_MAX_AGE_SECONDS - 5
    session["last_seen"] = int(time.time())  # active a second ago
    session.save()
    response = client.get(reverse("portal:home"))
    assert response["Location"] == reverse("accounts:login")
    page = client.get(reverse("accounts:login"))
    assert "Phiên làm việc đã hết thời hạn" in page.content.decode()
    assert client.get(reverse("portal:home")).status_code == 302


def test_it_keeps_a_session_inside_its_time_limit(world, settings):
    client = HttpClient()
    _login(client, "peer")
    session = client.session
    session["session_started"] = int(time.time()) - settings.SESSION_MAX_AGE_SECONDS + 60
    session.save()
    assert client.get(reverse("portal:home")).status_code == 200


def test_it_reads_the_session_limit_from_the_environment(monkeypatch):
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_MAX_AGE_SECONDS, settings.SESSION_COOKIE_AGE)"
    )
    env = {"CAUNOI_SESSION_MAX_HOURS": "8", "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    import os

    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["28800", "28800"]


# --- Password spraying from one address --------------------------------------------------


def _spray(settings, world, count, **extra):
    """`count` accounts, each tried once with a wrong password from the same address."""
    from conftest import make_user

    users = [make_user(f"ddv{i:02d}") for i in range(count)]
    responses = [_login(HttpClient(), u.username, "matkhau123", **extra) for u in users]
    return users, responses


def test_it_locks_an_address_that_tries_many_accounts(world, settings):
    settings.CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    _users, responses = _spray(settings, world, 6)
    assert [r.status_code for r in responses] == [200] * 5 + [429]
    html = responses[-1].content.decode()
    assert "trong 30 phút" in html and "từ kết nối này" in html
    # Now even the right password of another account is refused from that address…
    assert _login(HttpClient(), "peer").status_code == 429
    # …but not from another address.
    assert _login(HttpClient(), "peer", REMOTE_ADDR="10.9.8.7").status_code == 302
    lockout = AuditEntry.objects.filter(action="lockout")
    assert lockout.filter(changes__limit="address").exists()


def test_it_does_not_let_a_valid_login_wipe_the_address_count(world, settings):
    settings.CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    _spray(settings, world, 5)
    assert _login(HttpClient(), "peer").status_code == 302  # the sprayer's own account
    assert _login(HttpClient(), "leader", "wrong-password").status_code == 429


def test_it_ignores_a_forwarded_for_header_from_an_untrusted_sender(world, settings):
    """Without a configured proxy, a sprayer cannot dodge the lockout with a forged header
    (and cannot lock a named user out from a made-up address either)."""
    settings.CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    from conftest import make_user

    codes = []
    for i in range(6):
        user = make_user(f"ddx{i:02d}")
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{i}"}
        codes.append(_login(HttpClient(), user.username, "nope-nope-1", **forged).status_code)
    assert codes[-1] == 429


def test_it_counts_each_client_behind_a_trusted_proxy_apart(world, settings):
    settings.CAUNOI_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.CAUNOI_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    settings.CAUNOI_CLIENT_IP_HEADER = "X-Forwarded-For"
    # Five wrong passwords for "peer" through the proxy, from one client…
    for _ in range(5):
        _login(HttpClient(), "peer", "wrong-password", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # …lock that client only: the same user from another client behind the proxy is fine.
    assert _login(HttpClient(), "peer", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
    blocked = _login(HttpClient(), "peer", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert blocked.status_code == 429
    entry = AuditEntry.objects.filter(action="lockout").latest("id")
    assert entry.changes["ip"] == "198.51.100.7"


@pytest.mark.parametrize(
    ("remote", "header", "expected"),
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        # The client may prepend anything: only the hop our proxy added counts.
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        # Proxy chain: skip every trusted hop from the right.
        ("127.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"),
        # Not from a trusted proxy: the header means nothing.
        ("192.0.2.9", "198.51.100.7", "192.0.2.9"),
        # Garbage in the header: fall back to the proxy's own address.
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_it_reads_the_client_address_only_from_a_trusted_proxy(settings, remote, header, expected):
    settings.CAUNOI_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    settings.CAUNOI_CLIENT_IP_HEADER = "X-Forwarded-For"
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_it_uses_remote_addr_only_by_default():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "192.0.2.9"


# --- Common Vietnamese passwords -----------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "matkhau123",
        "Matkhau@2026",
        "mật khẩu 123!",
        "123456a@",
        "123456789a@",
        "anhyeuem",
        "anhyeuem123",
        "EmYeuAnh2025",
        "Vietnam@123",
        "caunoi2026!",
        "iloveyou1234",
    ],
)
def test_it_refuses_common_vietnamese_passwords(password):
    with pytest.raises(ValidationError) as refused:
        VietnameseCommonPasswordValidator().validate(password)
    assert refused.value.error_list[0].code == "password_too_common"


@pytest.mark.parametrize("password", [GOOD_PASSWORD, "sông Hương chiều thu 7", "ga-tau-cu-9x-do"])
def test_it_accepts_a_password_of_ones_own(password):
    VietnameseCommonPasswordValidator().validate(password)


def test_it_explains_a_common_password_in_vietnamese_next_to_the_field(world, as_user):
    response = as_user(world.admin).post(
        reverse("accounts:user_create"),
        {
            "username": "ddv_moi",
            "full_name": "Đồng đẳng mới",
            "language": "vi",
            "password1": "matkhau123",
            "password2": "matkhau123",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "quá phổ biến ở Việt Nam" in html
    assert 'value="ddv_moi"' in html
    assert "password2" in response.context["form"].errors


# --- Every login, failure and lockout is audited ------------------------------------------


def test_it_audits_a_login_with_the_client_address(world):
    _login(HttpClient(), "peer", REMOTE_ADDR="192.0.2.44")
    entry = AuditEntry.objects.get(action="login", object_id=str(world.peer.pk))
    assert entry.changes == {"step": "password", "ip": "192.0.2.44"}
    assert entry.actor == world.peer


def test_it_audits_a_failed_login_without_the_password(world):
    _login(HttpClient(), "peer", "Sai-mat-khau-99")
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.object_type == "accounts.user" and entry.object_id == str(world.peer.pk)
    assert entry.actor is None
    assert "Sai-mat-khau-99" not in entry.payload()


def test_it_does_not_write_down_an_unknown_username(world):
    # People type their password, or a client's name, into the username field.
    _login(HttpClient(), "Nguyen Thi Canary", "whatever-1234")
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.object_id == "" and entry.changes["known_account"] is False
    assert "Canary" not in entry.payload()


def test_it_audits_the_lockout_and_each_refused_try(world):
    client = HttpClient()
    for _ in range(5):
        _login(client, "peer", "wrong-password")
    _login(client, "peer", PASSWORD)
    assert AuditEntry.objects.filter(action="login_failed").count() == 4
    lockouts = AuditEntry.objects.filter(action="lockout", object_id=str(world.peer.pk))
    assert lockouts.count() == 2  # the fifth failure, then the refused right password
    assert lockouts.first().changes["limit"] == "account_and_address"
    assert not AuditEntry.objects.filter(action="login", object_id=str(world.peer.pk)).exists()


def test_it_audits_the_two_factor_step_with_the_address(world):
    client = login(HttpClient(), world.peer)  # noqa: F841  (standing users still log in)
    device = TOTPDevice.objects.create(user=world.coordinator, name="d", confirmed=True)
    two = _logged_in_awaiting_two_factor()
    two.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    entry = AuditEntry.objects.filter(action="login", changes__step="two_factor").get()
    assert entry.changes["ip"] == "127.0.0.1"
