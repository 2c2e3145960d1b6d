"""Request logs name the route, never the path or the query string: a canary placed in
every place a request can carry identity (query string, path parameter, referral code,
form body, username) must not appear in any log line."""

from __future__ import annotations

import json
import logging

from django.test import Client

from clients.tests.conftest import register
from core.request_log import JsonFormatter

CANARY = "KANARI7731"


def _all_lines(caplog) -> str:
    json_fmt = JsonFormatter()
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    lines = []
    for record in caplog.records:
        lines.append(json_fmt.format(record))
        lines.append(plain.format(record))
    return "\n".join(lines)


def _request_lines(caplog) -> list[dict]:
    return [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "caunoi.request"
    ]


def test_it_logs_method_route_status_time_and_user_id_only(world, as_user, caplog):
    client = register(world)
    peer = as_user(world.peer)
    caplog.set_level(logging.DEBUG)
    peer.get(f"/clients/?q={CANARY}&phone=0912{CANARY}")
    peer.get(f"/clients/{client.public_id}/?name={CANARY}")
    lines = _request_lines(caplog)
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("GET", "clients:list", 200),
        ("GET", "clients:detail", 200),
    ]
    for line in lines:
        assert set(line) == {"time", "level", "logger", "method", "route", "status", "ms", "user"}
        assert line["user"] == world.peer.pk
        assert isinstance(line["ms"], float)
    text = _all_lines(caplog)
    assert str(client.public_id) not in text
    assert CANARY not in text


def test_no_canary_reaches_any_log_line(world, as_user, caplog):
    peer = as_user(world.peer)
    caplog.set_level(logging.DEBUG)
    peer.get(f"/referrals/r/{CANARY}/")  # an old printed slip's code in the path (no route now)
    peer.get(f"/no-such-page/{CANARY}/?code={CANARY}")  # unresolved: Django logs "Not Found"
    peer.post("/clients/new/", {"name": CANARY, "phone": "0912345678", "given_name": CANARY})
    Client().post("/accounts/login/", {"username": CANARY, "password": CANARY})
    csrf = Client(enforce_csrf_checks=True)
    csrf.post(f"/accounts/login/?next=/clients/{CANARY}/", {"username": CANARY})  # 403 CSRF
    text = _all_lines(caplog)
    assert CANARY not in text
    routes = [line["route"] for line in _request_lines(caplog)]
    assert "-" in routes  # the unresolved path is logged without its path
    statuses = [line["status"] for line in _request_lines(caplog)]
    assert 403 in statuses
    django_request = [r for r in caplog.records if r.name.startswith("django.")]
    assert django_request, "Django's own 404/403 records were expected (and redacted)"
    assert any("route -" in r.getMessage() for r in django_request)
