from __future__ import annotations

from typing import Any

from django import template

from core.paging import page_query

register = template.Library()


@register.simple_tag(takes_context=True)
def page_link(context: dict[str, Any], number: int) -> str:
    """`?…&page=N`, keeping the list's other filters."""
    return "?" + page_query(context["request"], number)
