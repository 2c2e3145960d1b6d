from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext


class LanguageMiddleware:
    """Vietnamese unless the user chose English (account setting or language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language:
    a shared phone set to English should not switch a Vietnamese peer's interface."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = dict(settings.LANGUAGES)
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            lang = getattr(user, "language", None) or lang
        if lang not in supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class SecurityHeadersMiddleware:
    """Headers every response carries beside the Content-Security-Policy (django-csp).

    - Permissions-Policy: no page uses the camera, microphone, location and the like, so
      they are switched off for this origin (settings.PERMISSIONS_POLICY).
    - Cache-Control: no-store on every response to a signed-in user. Almost every page
      behind the login shows client-level data (names, codes, referrals, incidents), and
      "which ones do" is a rule that would drift; a browser or a shared proxy must keep
      none of them. Static files never get here (WhiteNoise answers them first).
      The offline copy of the head-count form is kept by the service worker's own cache,
      which does not follow Cache-Control (core/offline.py decides what it may keep)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if _signed_in(request, response):
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response goes to someone with a session, decided without the database:
    reading `request.user` here would query the session, and during a database outage the
    503 page would then fail a second time. A session cookie sent or being set is enough
    (it errs towards no-store); a user the view already loaded is checked as loaded."""
    if request.path.startswith(str(settings.STATIC_URL)):
        return False  # WhiteNoise answered: static files are the same for everyone
    cookie = settings.SESSION_COOKIE_NAME
    if cookie in request.COOKIES or cookie in response.cookies:
        return True
    user = getattr(request, "user", None)
    loaded = getattr(user, "_wrapped", user)
    return bool(getattr(loaded, "is_authenticated", False) is True)


class RejectNullCharactersMiddleware:
    """A query string holding a NUL character gets a 400 with the reason, in the user's
    language. Forms already refuse NUL with a message next to the field (Django's
    ProhibitNullCharactersValidator, translated in core/form_strings.py); query parameters
    read directly by views (search terms, filters) would instead reach the database,
    where PostgreSQL refuses NUL in text and the user got a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = gettext("Null characters are not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            html = loader.get_template("400_null.html").render(
                {"LANG": translation.get_language() or "vi", "message": message}
            )
            return HttpResponseBadRequest(html)
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answers `/healthz` before the session is read (placed before SessionMiddleware).

    A monitor or a browser that once logged in sends its session cookie; further down,
    reading that session needs the database, so during an outage the request would end
    in the generic 503 page instead of the health check's JSON saying what is down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.urls import reverse

        from .views import healthz

        if request.path_info == reverse("core:healthz"):
            return healthz(request)
        return self.get_response(request)
