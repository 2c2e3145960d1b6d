from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.template import loader
from django.utils import translation


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Deliberately the same page whether the record is missing or out of scope.
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was refused because its security token was missing or stale (usually a
    page left open past the session, or opened before logging in again). Rendered
    without a request context, so it needs no database and shows nothing about anyone;
    `reason` is Django's English diagnostic and is not shown."""
    template = loader.get_template("403_csrf.html")
    html = template.render({"LANG": translation.get_language() or "vi"})
    return HttpResponseForbidden(html)
