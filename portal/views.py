from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.queries import own_grants
from core.registry import HOME_PANELS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One home page; each app contributes the panels the user's roles call for."""
    panels = []
    for panel in HOME_PANELS:
        context = panel.context(request)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return render(
        request, "portal/home.html", {"panels": panels, "grants": own_grants(request.user)}
    )
