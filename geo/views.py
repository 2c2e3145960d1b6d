from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles, scope

from .forms import LegacyCommuneLookupForm
from .queries import commune_search, province_search
from .queries import legacy_commune_lookup as lookup


@login_required
@require_http_methods(["GET", "POST"])
def legacy_commune_lookup(request: HttpRequest) -> HttpResponse:
    """Which commune(s) a pre-1 July 2025 commune became. POSTed, like every look-up."""
    scope.require_role(request.user, roles.SUPERVISORS)
    form = LegacyCommuneLookupForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = lookup(form.cleaned_data["term"])
    return render(request, "geo/legacy_lookup.html", {"form": form, "results": results})


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
        return render(request, "geo/_area_options.html", {"results": results})
    return JsonResponse({"results": results})
