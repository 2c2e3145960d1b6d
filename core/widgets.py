"""Searchable area pickers: the select holds only the chosen options; typing in the
search box (with or without diacritics) fetches matches from geo:area_search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


def _attrs_html(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: False left out, True bare."""
    html = "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )
    return mark_safe(html)  # noqa: S308 (every part is escaped by format_html)


class LongSelect(forms.Select):
    """A drop-down of hundreds of options (the establishments of a province), written in
    Python: Django's own template includes two templates per option, and 581 options
    took ~70 ms of a 10 M-contact server's CPU on every contact form. The HTML is the same,
    byte for byte (core/tests/test_long_select.py)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], _attrs_html(widget["attrs"]))
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attrs_html(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part above is escaped)
