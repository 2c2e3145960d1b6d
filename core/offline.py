"""Pages a phone may keep for use without a connection (see api/offline.py, the service
worker, and docs/architecture.md).

A page is kept only when both hold:
- its URL name is registered here with `offline_page` (the service worker's allow-list);
- its view is wrapped in `offline_cacheable`, which marks each response that may be kept.

Register only pages that never show client identity (no client lists, no client pages,
not the home page: it lists clients to follow up). A response that carries flash messages
is not marked, since a message may name a client's code."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

CACHE_HEADER = "X-Offline-Cache"

OFFLINE_PAGES: list[str] = []


def offline_page(url_name: str) -> None:
    if url_name not in OFFLINE_PAGES:
        OFFLINE_PAGES.append(url_name)


def offline_page_paths() -> list[str]:
    return [reverse(name) for name in OFFLINE_PAGES]


def offline_cacheable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Counting the pending messages does not consume them.
        has_messages = len(messages.get_messages(request)) > 0
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and not has_messages:
            response[CACHE_HEADER] = "allow"
        return response

    return wrapped
