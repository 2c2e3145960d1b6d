"""Error pages that never need the database.

`render(request, ...)` would run the context processors, which read the session and the
user from the database: during a database outage the error page itself would fail and
the WSGI server would answer its own bare 500. These pages are rendered without the
request (no context processors), in the language of the language cookie.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

# Seconds a client is told to wait before trying again while the database is down.
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def is_database_outage(exc: BaseException | None) -> bool:
    """True when the exception (or one it was raised from) says the database is unreachable.

    OperationalError and InterfaceError are what Django raises when a connection cannot
    be made or is lost; an IntegrityError or a ProgrammingError is a bug, not an outage."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if isinstance(exc, DatabaseError):
            return False
        exc = exc.__cause__ or exc.__context__
    return False


def _cookie_language(request: HttpRequest) -> str:
    lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 for a database outage: JSON with Retry-After under /api/, a plain page elsewhere."""
    lang = _cookie_language(request)
    with translation.override(lang):
        if request.path.startswith(API_PREFIX):
            response: HttpResponse = JsonResponse(
                {
                    "detail": _(
                        "The service is temporarily unavailable. Nothing you saved is lost. "
                        "Try again in a moment."
                    ),
                    "retry_after": RETRY_AFTER_SECONDS,
                },
                status=503,
            )
        else:
            html = loader.render_to_string("503.html", {"lang": lang})
            response = HttpResponse(html, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = lang
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Deliberately the same page whether the record is missing or out of scope.
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called by Django inside the `except` block that caught the error.
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was refused because its security token was missing or stale (usually a
    page left open past the session, or opened before logging in again). Rendered
    without a request context, so it needs no database and shows nothing about anyone;
    `reason` is Django's English diagnostic and is not shown."""
    template = loader.get_template("403_csrf.html")
    html = template.render({"LANG": translation.get_language() or "vi"})
    return HttpResponseForbidden(html)
