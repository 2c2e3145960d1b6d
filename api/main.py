"""The JSON API (django-ninja), mounted at /api/v1/, described at /api/v1/openapi.json.

Authentication is the Django session: the same login, two-factor step and idle timeout as
the pages (accounts.middleware answers /api/ paths with JSON 401 instead of redirecting).
SessionAuth checks the CSRF token on every unsafe method. Access follows the pages: each
endpoint calls its app's `queries.py` with the acting user, and "not yours" is 404.
Errors are JSON with a `detail` in the user's language."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from accounts import queries as accounts_queries
from accounts import roles, scope

from .outreach import router as outreach_router
from .schemas import GrantOut, MeOut
from .validation import field_errors, pydantic_errors

api = NinjaAPI(
    title="Cầu Nối API",
    version="1",
    description=(
        "For devices and integrations. Signed in with the Django session (CSRF token "
        "required on writes); every answer is limited to what the user's grants reach. "
        "No endpoint returns a client's name, phone or UIC."
    ),
    auth=SessionAuth(),
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Sign in to continue.")}, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # SessionAuth raises HttpError(403) when the CSRF token is missing or stale.
    detail = _("This page has expired: reload it and try again.")
    if exc.status_code != 403:
        detail = str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The same answer whether the record is missing or out of the user's scope.
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, field_errors(pydantic_errors(exc.errors)), status=422)


@api.get("/me", response=MeOut, tags=["account"], url_name="me")
def me(request: HttpRequest) -> Any:
    """The signed-in user and what their grants are (no client data)."""
    user: Any = request.auth  # type: ignore[attr-defined]
    grants = accounts_queries.own_grants(user)
    return {
        "username": user.username,
        "language": user.language,
        "two_factor_required": user.needs_two_factor,
        "can_log_outreach": scope.has_role(user, *roles.PEERS),
        "grants": [
            GrantOut(
                role=g.role,
                role_label=str(g.get_role_display()),
                scope_kind=str(g.scope_kind),
                scope_label=g.scope_label,
            )
            for g in grants
        ],
    }


api.add_router("/outreach", outreach_router)
