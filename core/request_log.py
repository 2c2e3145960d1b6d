"""Privacy-safe request logs.

One JSON line per request on the `caunoi.request` logger: method, route name (the URL
pattern's name, never the path: a path can hold a client's id or a referral code), status,
time in ms and the acting user's numeric id. Query strings, paths, bodies, usernames and
IP addresses are never logged. Django's own `django.request` (errors, 404s) and
`django.server` (runserver) records name the path; `RedactPathFilter` rewrites them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

logger = logging.getLogger("caunoi.request")


def route_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "-"  # unresolved (404 before routing) or served by whitenoise
    return match.view_name or "-"


def _user_id(request: HttpRequest) -> int | None:
    # Read the user only if the request already loaded it: loading it here would query
    # the database (and fail during an outage) just to write a log line.
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        return None
    wrapped = getattr(wrapped, "_wrapped", wrapped)  # django-otp wraps the user again
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    pk = getattr(wrapped, "pk", None)
    return pk if isinstance(pk, int) else None


class RequestLogMiddleware:
    """Outermost middleware: times the whole chain and logs one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        fields = {
            "method": request.method if request.method in _METHODS else "OTHER",
            "route": route_name(request),
            "status": response.status_code,
            "ms": round((time.perf_counter() - start) * 1000, 1),
            "user": _user_id(request),
        }
        logger.info("request", extra={"request_fields": fields})
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the request fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "request_fields", None)
        if fields:
            data.update(fields)
        else:
            data["message"] = record.getMessage()
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class RedactPathFilter(logging.Filter):
    """Rewrite Django's request records so that they name the route, not the path.

    `django.request` logs "Not Found: /clients/<id>/" and "Internal Server Error: <path>";
    `django.server` (runserver) logs the request line with its query string. The exception
    (when there is one) is kept: a traceback names code, not request data."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(("django.request", "django.security", "django.server")):
            return True
        if getattr(record, "caunoi_redacted", False):
            return True  # already rewritten (logger and handler both carry this filter)
        record.caunoi_redacted = True
        if record.name == "django.server":
            # RequestLogMiddleware already wrote the line, without the path.
            return False
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        if isinstance(request, HttpRequest):
            record.msg = "%s (route %s, status %s)"
            reason = record.args[0] if isinstance(record.args, tuple) and record.args else ""
            record.args = (reason, route_name(request), status)
            if status == 503 and record.exc_info and record.exc_info[1] is not None:
                # A database outage: one line per request, not a traceback each (the
                # cause is the same for all, and /healthz names it).
                record.msg += " %s"
                record.args += (type(record.exc_info[1]).__name__,)
                record.exc_info, record.exc_text = None, None
        elif record.args:
            record.msg, record.args = "django request record (path withheld)", ()
        return True
