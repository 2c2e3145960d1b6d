"""A database outage answers 503 (a page, or JSON under /api/) that needs no database;
/healthz names what is down; the site recovers by itself when the database is back."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client, RequestFactory
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from conftest import login
from core.errors import is_database_outage, server_error
from core.health import HEARTBEAT_SCHEDULE

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def database_down():
    """Every query fails the way a cut connection fails."""
    error = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with (
        mock.patch.object(CursorWrapper, "execute", side_effect=error),
        mock.patch.object(CursorWrapper, "executemany", side_effect=error),
    ):
        yield


def _client(user=None, lang: str | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        login(client, user)
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def test_it_answers_a_page_with_a_vietnamese_503_that_needs_no_database(world):
    client = _client(world.peer)
    with database_down():
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == "vi"
    assert 'lang="vi"' in html
    assert "Tạm thời không truy cập được" in html
    assert "không bị mất" in html


def test_it_answers_in_english_when_the_language_cookie_says_english(world):
    client = _client(world.peer, lang="en")
    with database_down():
        response = client.get("/clients/")
    html = response.content.decode()
    assert response.status_code == 503
    assert "Temporarily unavailable" in html
    assert "Nothing you saved before is lost" in html


def test_it_answers_the_api_with_json_and_retry_after(world):
    client = _client(world.peer)
    with database_down():
        response = client.get("/api/v1/me")
        posted = client.post("/api/v1/outreach/contacts", "{}", content_type="application/json")
    for answer in (response, posted):
        assert answer.status_code == 503
        assert answer["Content-Type"] == "application/json"
        assert answer["Retry-After"] == "30"
        body = answer.json()
        assert body["retry_after"] == 30
        assert "tạm thời" in body["detail"].lower()


def test_the_login_page_says_the_outage_before_anyone_types_a_password(db):
    """An anonymous visit needs no database until the password is sent: the login page
    must not be offered (200) when no login can succeed."""
    client = _client()
    with database_down():
        response = client.get("/accounts/login/")
        redirected = client.get("/", follow=True)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Tạm thời không truy cập được" in response.content.decode()
    assert redirected.status_code == 503
    assert client.get("/accounts/login/").status_code == 200  # back without a restart


def test_an_outage_logs_one_line_per_request_not_a_traceback(world, caplog):
    client = _client(world.peer)
    with database_down():
        client.get("/clients/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None
    assert records[0].getMessage() == "Service Unavailable (route -, status 503) OperationalError"


def test_it_recovers_without_a_restart(world):
    client = _client(world.peer)
    assert client.get("/").status_code == 200
    with database_down():
        assert client.get("/").status_code == 503
        assert client.get("/api/v1/me").status_code == 503
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_it_still_answers_500_for_an_error_that_is_not_an_outage():
    request = RequestFactory().get("/")
    try:
        raise IntegrityError("duplicate key")
    except IntegrityError:
        response = server_error(request)
    assert response.status_code == 500
    try:
        raise RuntimeError("bug")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500


def test_it_recognises_an_outage_raised_from_another_error():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc
    except RuntimeError as exc:
        assert is_database_outage(exc)
    assert not is_database_outage(ValueError("no"))


# --- /healthz ---------------------------------------------------------------------


@pytest.fixture
def async_queue():
    with mock.patch("django_q.conf.Conf.SYNC", False):
        yield


def test_it_says_ok_when_database_and_queue_are_up(db, async_queue):
    Schedule.objects.update_or_create(
        name=HEARTBEAT_SCHEDULE,
        defaults={"func": "core.tasks.heartbeat", "schedule_type": "I", "minutes": 1},
    )
    response = _client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_it_says_the_database_is_down(db, async_queue):
    client = _client()
    with database_down():
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["database"].startswith("down")
    assert body["queue"].startswith("down")
    assert "127.0.0.1" not in json.dumps(body)  # says what is down, not where it lives
    assert client.get("/healthz").status_code == 200


def test_it_names_what_is_down_to_a_request_that_carries_a_session(world, async_queue):
    """A browser or a monitor that logged in once sends its session cookie: /healthz must
    still answer its JSON (not the 503 page), since the session cannot be read."""
    client = _client(world.peer)
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "down"
    assert body["database"].startswith("down")
    assert client.get("/healthz").status_code in (200, 503)  # back: answered by the view


def test_it_says_the_queue_is_down_when_no_worker_runs_the_heartbeat(db, async_queue):
    Schedule.objects.update_or_create(
        name=HEARTBEAT_SCHEDULE,
        defaults={
            "func": "core.tasks.heartbeat",
            "schedule_type": "I",
            "minutes": 1,
            "next_run": timezone.now() - timedelta(minutes=10),
        },
    )
    response = _client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert "heartbeat" in response.json()["queue"]


def test_it_says_the_queue_is_down_when_tasks_wait_too_long(db, async_queue):
    from django_q.conf import Conf

    Schedule.objects.filter(name=HEARTBEAT_SCHEDULE).delete()
    OrmQ.objects.create(
        key=Conf.CLUSTER_NAME, payload="x", lock=timezone.now() - timedelta(minutes=10)
    )
    response = _client().get("/healthz")
    assert response.status_code == 503
    assert "waiting" in response.json()["queue"]


def test_the_heartbeat_schedule_is_created_by_a_migration(db):
    assert Schedule.objects.filter(name=HEARTBEAT_SCHEDULE, func="core.tasks.heartbeat").exists()


# --- A real PostgreSQL connection to a port where nothing listens -------------------

PROBE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    out = {}
    anon = Client(raise_request_exception=False)
    r = anon.get("/healthz")
    out["healthz"] = [r.status_code, r.json()]
    signed = Client(raise_request_exception=False)
    signed.cookies["sessionid"] = "a" * 32
    signed.cookies["django_language"] = "en"
    r = signed.get("/clients/")
    out["page"] = [r.status_code, r.content.decode()]
    r = signed.get("/api/v1/me")
    out["api"] = [r.status_code, r["Content-Type"], r.get("Retry-After"), r.json()]
    print(json.dumps(out))
    """
)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_postgresql_server_that_is_not_there_gives_503s_not_bare_500s(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/nothing_here",
        "CAUNOI_LOCAL_DIR": str(tmp_path),
        "CAUNOI_TESTING": "",
        "CAUNOI_REQUEST_LOG": "0",
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    status, body = out["healthz"]
    assert status == 503
    assert body["database"].startswith("down")
    status, html = out["page"]
    assert status == 503
    assert "Temporarily unavailable" in html
    status, content_type, retry_after, body = out["api"]
    assert (status, content_type, retry_after) == (503, "application/json", "30")
    assert body["retry_after"] == 30
