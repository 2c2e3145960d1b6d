"""The API is behind the same login, two-factor step, idle timeout and CSRF check as the
pages, and answers in JSON (401, 403) where pages would redirect."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone

from outreach.models import OutreachContact

from .conftest import CONTACTS


def _head_count() -> dict[str, Any]:
    return {
        "client_uuid": str(uuid.uuid4()),
        "contact_date": timezone.localdate().isoformat(),
        "place_type": "street",
        "head_count": 3,
    }


def test_it_answers_401_json_when_anonymous(db: Any) -> None:
    http = HttpClient()
    for response in (
        http.get("/api/v1/me"),
        http.get("/api/v1/outreach/options"),
        http.post(CONTACTS, _head_count(), content_type="application/json"),
    ):
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "Đăng nhập để tiếp tục."}
    assert not OutreachContact.objects.exists()


def test_it_answers_401_json_before_two_factor(world: Any) -> None:
    http = HttpClient()
    http.force_login(world.coordinator)  # password checked, TOTP step not passed
    response = http.get("/api/v1/me")
    assert response.status_code == 401
    assert "xác thực hai bước" in response.json()["detail"]
    # Pages still redirect to the two-factor step.
    assert http.get("/").status_code == 302


def test_it_answers_401_json_after_the_idle_timeout(world: Any, as_user: Any) -> None:
    http = as_user(world.peer)
    assert http.get("/api/v1/me").status_code == 200
    session = http.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = http.post(CONTACTS, _head_count(), content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    # The session really ended.
    assert http.get("/api/v1/me").status_code == 401
    assert not OutreachContact.objects.exists()


def test_it_enforces_the_csrf_token_on_writes(world: Any) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(world.peer)
    assert http.get("/api/v1/me").status_code == 200  # reads need no token
    body = _head_count()
    refused = http.post(CONTACTS, body, content_type="application/json")
    assert refused.status_code == 403
    assert "tải lại" in refused.json()["detail"]
    assert not OutreachContact.objects.exists()

    page = http.get("/outreach/contacts/new/")
    token = str(page.context["csrf_token"])
    accepted = http.post(CONTACTS, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    assert OutreachContact.objects.count() == 1


def test_it_tells_who_is_signed_in_without_client_data(world: Any, api_as: Any) -> None:
    response = api_as(world.peer).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "peer",
        "language": "vi",
        "two_factor_required": False,
        "can_log_outreach": True,
        "grants": [
            {
                "role": "peer",
                "role_label": "Đồng đẳng viên",
                "scope_kind": "peer_group",
                "scope_label": "Nhóm Hoa Hồng",
            }
        ],
    }
    manager = api_as(world.prov_manager).get("/api/v1/me").json()
    assert manager["two_factor_required"] is True and manager["can_log_outreach"] is False


def test_it_describes_itself_in_openapi(db: Any) -> None:
    http = HttpClient()
    response = http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["title"] == "Cầu Nối API"
    assert {"/api/v1/me", "/api/v1/outreach/options", "/api/v1/outreach/contacts"} <= set(
        doc["paths"]
    )
    assert set(doc["paths"]["/api/v1/outreach/contacts"]) == {"get", "post"}
    post = doc["paths"]["/api/v1/outreach/contacts"]["post"]
    assert {"200", "201", "404", "422"} <= set(post["responses"])
    schemes = doc["components"]["securitySchemes"]
    assert schemes["SessionAuth"]["in"] == "cookie"
    contact_in = doc["components"]["schemas"]["ContactIn"]["properties"]
    assert "client_uuid" in contact_in
    assert not {"name", "phone", "uic", "nickname"} & set(contact_in)
    docs = http.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # Every script and style comes from this server (a random CSRF token may spell "cdn").
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
