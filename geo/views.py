from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts import scope
from core.home import LOOKUP_ROLES

from .forms import LegacyCommuneLookupForm
from .queries import legacy_commune_lookup as lookup


@login_required
@require_http_methods(["GET", "POST"])
def legacy_commune_lookup(request: HttpRequest) -> HttpResponse:
    """Which commune(s) a pre-1 July 2025 commune became. POSTed, like every look-up."""
    if not scope.has_role(request.user, *LOOKUP_ROLES):
        raise Http404
    form = LegacyCommuneLookupForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = lookup(form.cleaned_data["term"])
    return render(request, "geo/legacy_lookup.html", {"form": form, "results": results})
