"""The load test's simulated users: their sessions, their keep-alive connections and what
each role does, and the thread-safe tally of their requests."""

from __future__ import annotations

import http.client
import random
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from forms import contact_form_data
from harness import ROOT

DEMO_USERS = {
    "peer": "dongdang",
    "provider": "phongkham",
    "coordinator": "dieuphoi",
    "prov_manager": "quanlytinh",
    "nat_manager": "quanlyquocgia",
}


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Requests that end before this time (the warm-up) are not counted.
    since: float = 0.0

    def add(self, name: str, seconds: float, error: str = "") -> None:
        if time.time() < self.since:
            return
        with self.lock:
            self.times[name].append(seconds)
            if error:
                self.errors[name] += 1
                self.error_kinds[error] += 1


class Browser:
    """One simulated user's connection: keep-alive, cookies, CSRF, like a browser would."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, str]:
        headers = {
            "Host": "localhost",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Encoding": "identity",
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "https://localhost"
            headers["Referer"] = f"https://localhost{url}"
        try:
            self.conn.request(method, url, body=data, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, text


def timed(stats: Stats, name: str, browser: Browser, method: str, url: str, expect: int,
          body: dict[str, Any] | None = None) -> str:  # fmt: skip
    start = time.perf_counter()
    try:
        status, text = browser.request(method, url, body)
        error = "" if status == expect else f"{name}: HTTP {status}"
    except (OSError, http.client.HTTPException) as exc:
        status, text, error = 0, "", f"{name}: {type(exc).__name__}"
    stats.add(name, time.perf_counter() - start, error)
    return text


def simulated_user(role: str, browser: Browser, ctx: dict[str, Any], stats: Stats,
                   stop: float, rng: random.Random) -> None:  # fmt: skip
    time.sleep(rng.uniform(0, 2))  # users do not all arrive in the same second
    while time.time() < stop:
        if role == "peer":
            action = rng.choice(["home", "list", "client", "contact"])
            if action == "home":
                timed(stats, "peer home", browser, "GET", "/", 200)
            elif action == "list":
                timed(stats, "client list (peer)", browser, "GET", "/clients/", 200)
            elif action == "client":
                url = f"/clients/{rng.choice(ctx['clients'])}/"
                timed(stats, "client page (peer)", browser, "GET", url, 200)
            else:
                url = f"/outreach/contacts/new/{rng.choice(ctx['clients'])}/"
                html = timed(stats, "contact form (GET)", browser, "GET", url, 200)
                if html:
                    time.sleep(rng.uniform(1, 2))  # filling the form in
                    data = contact_form_data(html)
                    timed(stats, "log a contact (POST)", browser, "POST", url, 302, data)
        elif role == "provider":
            timed(stats, "referral inbox (provider)", browser, "GET", "/referrals/inbox/", 200)
        elif role == "coordinator":
            url = rng.choice(["/", "/clients/"])
            name = "coordinator home" if url == "/" else "client list (coordinator)"
            timed(stats, name, browser, "GET", url, 200)
        elif role == "prov_manager":
            url = "/reports/?period=2024&province=22"
            timed(stats, "report page (province)", browser, "GET", url, 200)
        else:
            timed(stats, "report page (national)", browser, "GET", "/reports/", 200)
        time.sleep(rng.uniform(1, 2))


def sessions_and_clients(users: dict[str, int]) -> tuple[dict[str, list[str]], list[str]]:
    """Sessions created in the database as a login (with two-factor) would create them."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from clients import queries as client_queries

    sessions: dict[str, list[str]] = {}
    for role, count in users.items():
        user = User.objects.get(username=DEMO_USERS[role])
        device = None
        if user.needs_two_factor:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
                TOTPDevice.objects.create(user=user, name="default", confirmed=True)
            )
        keys = []
        for _ in range(count):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            # Active now, as after a login: written again once a minute of activity, as
            # for a real user (accounts.middleware.LAST_SEEN_RESOLUTION_SECONDS).
            store["last_seen"] = int(time.time())
            if device is not None:
                store[DEVICE_ID_SESSION_KEY] = device.persistent_id
            store.create()
            keys.append(str(store.session_key))
        sessions[role] = keys
    peer = User.objects.get(username=DEMO_USERS["peer"])
    clients = [
        str(c.public_id)
        for c in client_queries.clients_for(peer).order_by("pk")[:200]
        if client_queries.may_follow_up(c) and not c.is_erased
    ][:50]
    if not clients:
        raise SystemExit("The demo peer has no client with follow-up consent.")
    from django.db import connections

    connections.close_all()
    return sessions, clients
