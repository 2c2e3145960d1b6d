from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import scope
from .roles import SUPERVISORS

# Pages reachable before two-factor is passed. Only the login steps themselves: the
# user administration pages under /accounts/users/ must stay behind two-factor.
IDLE_FLAG = "ended_after_inactivity"
MAX_AGE_FLAG = "ended_at_time_limit"
# Set at login (accounts.signals); the session ends this long after it, active or not.
SESSION_STARTED = "session_started"
# The time of the last request is written at most this often: a session whose last_seen
# changed is saved, and saving it on every request cost a database write per page. The
# idle check then errs early, never late: a session may end up to this long before
# SESSION_IDLE_TIMEOUT_SECONDS of true inactivity, never after.
LAST_SEEN_RESOLUTION_SECONDS = 60

_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/language/",
    "/i18n/",
    "/static/",
    "/healthz",
    # The service worker and the offline page hold nothing about anyone.
    "/sw.js",
    "/offline/",
    # The API's description (no data); every API call stays behind two-factor.
    "/api/v1/openapi.json",
    "/api/v1/docs",
)

# The JSON API answers 401 with a JSON body where pages redirect to a login step: a phone
# syncing in the background cannot follow a redirect to an HTML form.
API_PREFIX = "/api/"


def _api_unauthorised(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=401)


class SessionIdleTimeoutMiddleware:
    """Ends a session after a period without requests, and in any case a fixed time after
    login (SESSION_MAX_AGE_SECONDS): a session that is kept busy does not live forever."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            # A session that predates the absolute limit counts from its first request.
            started = request.session.setdefault(SESSION_STARTED, now)
            idle = last is not None and now - int(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS
            too_old = now - int(started) > settings.SESSION_MAX_AGE_SECONDS
            if idle or too_old:
                logout(request)
                # The message framework runs later in the chain: leave a flag in the
                # new, empty session for the login page to explain what happened.
                request.session[IDLE_FLAG if idle else MAX_AGE_FLAG] = True
                if request.path.startswith(API_PREFIX):
                    return _api_unauthorised(
                        _("Your session ended after a period of inactivity. Please log in again.")
                        if idle
                        else _("Your session reached its time limit. Please log in again.")
                    )
                return redirect(settings.LOGIN_URL)
            if last is None or now - int(last) >= LAST_SEEN_RESOLUTION_SECONDS:
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
            and scope.has_role(user, *SUPERVISORS)
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            if request.path.startswith(API_PREFIX):
                return _api_unauthorised(_("Two-factor authentication is required first."))
            return redirect("accounts:two_factor")
        return self.get_response(request)
