"""Login security: lockout, mandatory TOTP, idle sessions, hashing, deploy checks, CSRF."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import enrolment_code_issue
from conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _post_login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_locks_an_account_after_five_failed_logins_and_says_so_in_vietnamese(world):
    client = HttpClient()
    for _ in range(4):
        response = _post_login(client, "peer", "wrong-password")
        assert response.status_code == 200
    locked = _post_login(client, "peer", "wrong-password")
    assert locked.status_code == 429
    # Even the right password is refused while locked.
    again = _post_login(client, "peer", PASSWORD)
    html = again.content.decode()
    assert again.status_code == 429
    assert 'lang="vi"' in html
    assert "Quá nhiều lần" in html
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_after_four_failures(world):
    client = HttpClient()
    for _ in range(4):
        _post_login(client, "peer", "wrong-password")
    response = _post_login(client, "peer", PASSWORD)
    assert response.status_code == 302


def test_it_sets_up_totp_with_a_qr_code_then_asks_for_a_code_at_each_login(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting after the deliberate wrong code
    code = enrolment_code_issue(actor=world.admin, user=world.coordinator)
    client = HttpClient()
    assert _post_login(client, "coordinator", PASSWORD).status_code == 302
    assert client.get(reverse("portal:home"))["Location"] == reverse("accounts:two_factor")
    ask_code = client.get(reverse("accounts:two_factor"))
    assert ask_code.context["needs_code"]
    assert "<svg" not in ask_code.content.decode()
    assert client.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    setup = client.get(reverse("accounts:two_factor"))
    assert setup.context["setting_up"]
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert wrong.status_code == 200
    assert "token" in wrong.context["form"].errors
    ok = client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("portal:home")).status_code == 200
    # Next login: a code is asked, no new QR code.
    client.post(reverse("accounts:logout"))
    fresh = HttpClient()
    _post_login(fresh, "coordinator", PASSWORD)
    assert fresh.get(reverse("portal:home")).status_code == 302
    ask = fresh.get(reverse("accounts:two_factor"))
    assert not ask.context["setting_up"]
    assert "<svg" not in ask.content.decode()


def test_it_requires_two_factor_for_managers_and_administrators(world):
    for username in ("prov_manager", "nat_manager", "admin"):
        client = HttpClient()
        _post_login(client, username, PASSWORD)
        response = client.get(reverse("portal:home"))
        assert response["Location"] == reverse("accounts:two_factor"), username


def test_it_ends_a_session_after_inactivity(world, as_user, settings):
    client = as_user(world.peer)
    assert client.get(reverse("portal:home")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("portal:home")).status_code == 302
    login_page = client.get(reverse("accounts:login"))
    assert login_page.context["ended_after_inactivity"]


def test_it_keeps_an_active_session(world, as_user, settings):
    client = as_user(world.peer)
    client.get(reverse("portal:home"))
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_SECONDS + 60
    session.save()
    assert client.get(reverse("portal:home")).status_code == 200


def test_it_saves_the_session_at_most_once_a_minute_for_activity(world, as_user):
    """Pages read the session; only a minute's new activity writes it (one UPDATE less per
    request), and an idle session still ends (test_it_ends_a_session_after_inactivity)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.peer)
    client.get(reverse("portal:home"))
    first = client.session["last_seen"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("portal:home")).status_code == 200
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "django_session"')]
    assert client.session["last_seen"] == first
    session = client.session
    session["last_seen"] = first - 61
    session.save()
    client.get(reverse("portal:home"))
    assert client.session["last_seen"] >= first


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAUNOI_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser fixture in this process
    env.pop("DATABASE_URL", None)  # an empty scratch SQLite file (CAUNOI_SQLITE_PATH below)
    env.update(
        {
            "CAUNOI_PRODUCTION": "1",
            "CAUNOI_SECRET_KEY": secrets.token_urlsafe(48)[:50],
            "CAUNOI_ALLOWED_HOSTS": "example.org",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # Production needs explicit key locations (core.checks): the test suite's keys.
            "CAUNOI_MASTER_KEY_FILE": os.environ["CAUNOI_MASTER_KEY_FILE"],
            "CAUNOI_BLIND_INDEX_KEY_FILE": os.environ["CAUNOI_BLIND_INDEX_KEY_FILE"],
            "CAUNOI_SQLITE_PATH": os.path.join(os.environ["CAUNOI_TEST_KEY_DIR"], "empty.db"),
        }
    )
    return env


def test_it_hashes_passwords_with_argon2_in_production():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0])"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_it_passes_the_deployment_checks_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_a_post_without_a_csrf_token(world):
    client = HttpClient(enforce_csrf_checks=True)
    response = _post_login(client, "peer", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_management_post_without_a_csrf_token(world):
    from conftest import login

    client = login(HttpClient(enforce_csrf_checks=True), world.admin)
    response = client.post(
        reverse("accounts:user_set_active", args=[world.peer.pk]), {"active": "0"}
    )
    assert response.status_code == 403
    world.peer.refresh_from_db()
    assert world.peer.is_active


def test_it_says_to_wait_when_a_right_code_follows_a_wrong_one_too_fast(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    code = enrolment_code_issue(actor=world.admin, user=world.coordinator)
    client = HttpClient()
    _post_login(client, "coordinator", PASSWORD)
    client.post(reverse("accounts:two_factor"), {"code": code})
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)
    client.post(reverse("accounts:two_factor"), {"token": "000000"})
    right = client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert right.status_code == 200
    (error,) = right.context["form"].errors["token"]
    assert "Chờ" in error  # not "the code is not valid": it is, but must wait
    assert "không đúng" not in error
