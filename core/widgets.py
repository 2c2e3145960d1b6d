"""Searchable area pickers: the select holds only the chosen options; typing in the
search box (with or without diacritics) fetches matches from geo:area_search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy

from .forms import EMPTY_LABEL


class _AreaMixin:
    kind = "commune"
    choices: Any

    def __init__(self, attrs: dict[str, Any] | None = None, province_field: str = "") -> None:
        attrs = dict(attrs or {})
        attrs.setdefault("data-area-picker", self.kind)
        # Stays lazy: forms are declared at import time, before the URLconf is loaded.
        attrs.setdefault("data-search-url", reverse_lazy("geo:area_search"))
        if province_field:
            attrs["data-province-field"] = province_field
        attrs.setdefault("data-empty-label", EMPTY_LABEL)
        super().__init__(attrs)  # type: ignore[call-arg]

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        # Render only selected choices: 3,321 communes would make a cheap phone crawl.
        chosen = {str(v) for v in value if v not in ("", None)}
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if queryset is not None:
            self.choices = [(obj.pk, str(obj)) for obj in queryset.filter(pk__in=chosen)]
            if not getattr(self, "allow_multiple_selected", False):
                self.choices.insert(0, ("", EMPTY_LABEL))
        return super().optgroups(name, value, attrs)  # type: ignore[misc]


class CommuneSelect(_AreaMixin, forms.Select):
    kind = "commune"


class CommuneSelectMultiple(_AreaMixin, forms.SelectMultiple):
    kind = "commune"


class ProvinceSelect(_AreaMixin, forms.Select):
    kind = "province"
