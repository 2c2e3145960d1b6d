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


class _PythonChoiceInputs:
    """Tick boxes and radio buttons written in Python, the same HTML as Django's
    multiple_input.html: Django's templates render three included templates per option
    (input_option, input, attrs), ~15 of them per list of tick boxes, on every contact
    form, registration and referral. The HTML is the same, byte for byte
    (core/tests/test_choice_inputs.py)."""

    get_context: Any
    template_name: Any
    option_template_name: Any
    _django_templates: tuple[str, Any]

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        if (self.template_name, self.option_template_name) != self._django_templates:
            return super().render(name, value, attrs, renderer)  # type: ignore[misc]
        widget = self.get_context(name, value, attrs)["widget"]
        widget_id = widget["attrs"].get("id")
        widget_class = widget["attrs"].get("class")
        parts: list[str] = [
            "<div",
            format_html(' id="{}"', widget_id) if widget_id else "",
            format_html(' class="{}"', widget_class) if widget_class else "",
            ">",
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html("\n  <div><label>{}</label>", group_name))
            for option in options:
                option_attrs = option["attrs"]
                option_value = option["value"]
                tag = format_html(
                    '<input type="{}" name="{}"{}{}>\n',
                    option["type"],
                    option["name"],
                    "" if option_value is None else format_html(' value="{}"', str(option_value)),
                    _attrs_html(option_attrs),
                )
                if option["wrap_label"]:
                    option_id = option_attrs.get("id")
                    tag = format_html(
                        "<label{}>{} {}</label>\n",
                        format_html(' for="{}"', option_id) if option_id else "",
                        tag,
                        option["label"],
                    )
                parts.append(format_html("<div>\n    {}\n</div>", tag))
            if group_name:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 (every part above is escaped)


class TickBoxes(_PythonChoiceInputs, forms.CheckboxSelectMultiple):
    """forms.CheckboxSelectMultiple, rendered in Python (same HTML)."""

    _django_templates = (
        forms.CheckboxSelectMultiple.template_name,
        forms.CheckboxSelectMultiple.option_template_name,
    )


class RadioButtons(_PythonChoiceInputs, forms.RadioSelect):
    """forms.RadioSelect, rendered in Python (same HTML)."""

    _django_templates = (forms.RadioSelect.template_name, forms.RadioSelect.option_template_name)
