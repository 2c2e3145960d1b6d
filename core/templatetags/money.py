"""`{{ amount|vnd }}`: 20.000.000 ₫ (see core.money)."""

from __future__ import annotations

from typing import Any

from django import template

from core.money import vnd as _vnd

register = template.Library()


@register.filter
def vnd(value: Any) -> str:
    return _vnd(value)
