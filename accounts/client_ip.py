"""The client's address, for the login lockout (django-axes) and the audit log.

Only REMOTE_ADDR is trusted by default. Behind a reverse proxy every request comes from the
proxy's address, so a per-address lockout would lock out everyone at once and anyone could
lock a named user out. Set CAUNOI_TRUSTED_PROXIES (addresses or networks of *your* proxies)
and CAUNOI_CLIENT_IP_HEADER (the header those proxies set, e.g. X-Forwarded-For or
X-Real-IP): the header is then read, but only when the request really comes from one of
those proxies, and in X-Forwarded-For only the right-most address that is not one of them
counts (the left part is whatever the client chose to send)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is None:
        return False
    return any(address in net for net in _networks(tuple(settings.CAUNOI_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent the request, as far as it can be trusted."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    header = settings.CAUNOI_CLIENT_IP_HEADER
    if not header or not _trusted(_parse(remote)):
        return remote
    raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    hops = [h for h in (part.strip() for part in raw.split(",")) if h]
    # Walk from the nearest hop outwards: skip our own proxies, stop at the first other one.
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A malformed hop: nothing left of it can be trusted.
            return remote
        if not _trusted(address):
            return str(address)
    return remote
