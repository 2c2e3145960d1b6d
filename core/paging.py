"""One way to page long lists (clients, referrals, contacts…) so nothing is silently cut off."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def paginate(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Page:
    """The requested page of `items` (a queryset or list). A page number that is missing,
    not a number or past the end gives the nearest real page, never an error."""
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    return paginator.get_page(request.GET.get("page"))


def page_query(request: HttpRequest, number: int) -> str:
    """The current query string with `page` replaced, for the pager's links."""
    params = request.GET.copy()
    params["page"] = str(number)
    return params.urlencode()
