from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import scope
from geo.queries import commune_search, province_search

from .health import run_checks
from .registry import HOME_PANELS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One home page; each app contributes the panels the user's roles call for."""
    panels = []
    for panel in HOME_PANELS:
        context = panel.context(request)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    grants = scope._grants(request.user)
    return render(request, "core/home.html", {"panels": panels, "grants": grants})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitoring and load balancers: 200 when every part is up, 503 naming what is down.

    Open to anyone (no session is read, so it answers during a database outage) and it
    says nothing about data: only "ok" or "down" and why."""
    checks = run_checks()
    ok = all(check.ok for check in checks)
    body: dict[str, str] = {"status": "ok" if ok else "down"}
    body.update({check.name: check.detail for check in checks})
    response = JsonResponse(body, status=200 if ok else 503)
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def area_search(request: HttpRequest) -> HttpResponse:
    """Search communes or provinces, with or without diacritics (for area pickers)."""
    term = request.GET.get("q", "")[:100]
    kind = request.GET.get("kind", "commune")
    if kind == "province":
        results = [{"id": p.code, "text": p.name} for p in province_search(term)[:20]]
    else:
        province = request.GET.get("province") or None
        results = [
            {"id": c.code, "text": f"{c.name}, {c.province.name}"}
            for c in commune_search(term, province_code=province)
        ]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "core/_area_options.html", {"results": results})
    return JsonResponse({"results": results})
