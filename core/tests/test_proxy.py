"""The login lockout sees the user's address behind nginx, and only from nginx."""

from __future__ import annotations

from django.test import RequestFactory

from core.proxy import client_ip


def _request(remote: str, real_ip: str | None = None):
    headers = {"HTTP_X_REAL_IP": real_ip} if real_ip is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_it_believes_x_real_ip_from_the_local_proxy():
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("::1", "2001:db8::5")) == "2001:db8::5"


def test_it_ignores_x_real_ip_from_anyone_else():
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_it_falls_back_to_the_proxy_address_on_a_malformed_header():
    assert client_ip(_request("127.0.0.1", "not-an-ip")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
