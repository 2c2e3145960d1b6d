from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from .health import run_checks


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
