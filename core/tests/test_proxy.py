"""Behind nginx as deploy/ sets it up (X-Real-IP, trusted from loopback only), the login
lockout and the audit log see the user's address, and believe the header only from nginx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from accounts.client_ip import client_ip


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.CAUNOI_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    settings.CAUNOI_CLIENT_IP_HEADER = "X-Real-IP"


def _request(remote: str, real_ip: str | None = None):
    headers: dict[str, Any] = {"HTTP_X_REAL_IP": real_ip} if real_ip is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_it_believes_x_real_ip_from_the_local_proxy():
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("::1", "2001:db8::5")) == "2001:db8::5"


def test_it_ignores_x_real_ip_from_anyone_else():
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_it_falls_back_to_the_proxy_address_on_a_malformed_header():
    assert client_ip(_request("127.0.0.1", "not-an-ip")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"


def test_without_a_configured_proxy_the_header_means_nothing(settings):
    settings.CAUNOI_TRUSTED_PROXIES = []
    settings.CAUNOI_CLIENT_IP_HEADER = ""
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"
