from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import scope
from .models import TWO_FACTOR_ROLES

# Pages reachable before two-factor is passed. Only the login steps themselves: the
# user administration pages under /accounts/users/ must stay behind two-factor.
IDLE_FLAG = "ended_after_inactivity"

_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/language/",
    "/i18n/",
    "/static/",
    "/healthz",
)


class SessionIdleTimeoutMiddleware:
    """Ends a session after a period without requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                logout(request)
                # The message framework runs later in the chain: leave a flag in the
                # new, empty session for the login page to explain what happened.
                request.session[IDLE_FLAG] = True
                return redirect(settings.LOGIN_URL)
            request.session["last_seen"] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Coordinators, managers and administrators must pass TOTP before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and scope.roles(user) & set(TWO_FACTOR_ROLES)
            and not user.is_verified()  # type: ignore[attr-defined,union-attr]
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
