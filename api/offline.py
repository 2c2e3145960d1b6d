"""Offline outreach on a peer's phone: the service worker script and the page it shows when
there is no connection.

The worker (templates/api/sw.js) is served from the site root so that its scope is the
whole site. It keeps two caches:
- the shell: CSS, JavaScript and the offline page, versioned by a hash of their contents;
- pages: only the URLs registered with `core.offline.offline_page`, and only responses the
  server marked with `core.offline.CACHE_HEADER`. Nothing else is ever stored, so a page
  with client identity cannot end up on the phone. app.js empties this cache when no one
  is signed in (after sign-out or an idle timeout).
HTML is fetched network-first; writes (POST) always go to the network."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.offline import CACHE_HEADER, offline_page_paths

# Static files every page needs (base.html), kept for use offline.
SHELL_STATIC = ("css/app.css", "js/app.js", "vendor/htmx.min.js", "icon.svg")
# How long a kept page waits for the network before the copy on the phone is shown.
NETWORK_TIMEOUT_MS = 6000


def _shell_version(paths: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


_cached_version = lru_cache(maxsize=1)(_shell_version)


def shell_version() -> str:
    """Changes whenever a shell file changes: the browser then installs the new worker,
    which fetches the new files and drops the old cache."""
    if settings.DEBUG:
        return _shell_version(SHELL_STATIC)
    return _cached_version(SHELL_STATIC)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    pages = offline_page_paths()
    offline_url = reverse("offline")
    config = {
        # The offline page is kept in the user's language: a switch installs a new worker.
        "version": f"{shell_version()}-{len(pages)}-{get_language()}",
        "shell": [static(p) for p in SHELL_STATIC] + [offline_url],
        "pages": pages,
        "offlineUrl": offline_url,
        "cacheHeader": CACHE_HEADER,
        "networkTimeoutMs": NETWORK_TIMEOUT_MS,
    }
    response = render(
        request,
        "api/sw.js",
        {"config": json.dumps(config)},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on navigations; never let a cache answer for it.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker for any page it may not keep, when there is no
    connection. Holds nothing about the user: it is kept in the shell cache."""
    return render(request, "api/offline.html")
