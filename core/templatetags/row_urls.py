"""`{{ c.public_id|row_url:"clients:detail" }}`: the same URL as `{% url "clients:detail"
c.public_id %}`, for the rows of a list. {% url %} reverses the pattern on every row (~50
of them per client list); this reverses it once with a placeholder UUID and puts each
row's UUID in its place (core/tests/test_row_urls.py)."""

from __future__ import annotations

import uuid
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-0000000000ff")


@lru_cache(maxsize=256)
def _around(view_name: str, _script_prefix: str, urlconf: str | None) -> tuple[str, str] | None:
    """(before, after) the UUID in view_name's URL; None if the URL is not that simple."""
    url = reverse(view_name, args=[_PLACEHOLDER], urlconf=urlconf)
    before, found, after = url.partition(str(_PLACEHOLDER))
    if not found or str(_PLACEHOLDER) in after:
        return None
    return before, after


def row_url(view_name: str, value: object) -> str:
    around = (
        _around(view_name, get_script_prefix(), get_urlconf()) if type(value) is uuid.UUID else None
    )
    if around is None:
        return reverse(view_name, args=[value])
    return f"{around[0]}{value}{around[1]}"


@register.filter(name="row_url")
def row_url_filter(value: object, view_name: str) -> str:
    return row_url(view_name, value)
