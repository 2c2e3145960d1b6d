"""`{{ value|figure }}`: a stored figure (a frozen submission value) written exactly as a
live report cell is (reports.report.format_number: 1.234 and 68,0 in Vietnamese), "—"
when there is none."""

from __future__ import annotations

from typing import Any

from django import template

from reports.report import format_number

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "—"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)
