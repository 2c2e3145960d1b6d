"""The client's address behind nginx, for the login lockout (django-axes).

Behind a reverse proxy every request comes from 127.0.0.1: locking out "username + IP"
would then lock a username for everyone. nginx (deploy/caunoi.nginx.conf) sets
X-Real-IP to the address it saw, overwriting whatever the client sent; the header is
believed only when the request came from one of CAUNOI_TRUSTED_PROXIES.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    if remote in settings.CAUNOI_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return remote
    return remote
