"""The form renderer of every form (settings.FORM_RENDERER): Django's own, except that the
few templates rendered for every field of every form (an input, a drop-down, a label, a
list of errors) are written in Python. Django renders each as a template with one or two
included templates: a contact form rendered ~50 of them, ~10 ms of CPU per request. The
HTML is the same, byte for byte (core/tests/test_form_renderer.py); a template that an app
overrides (one not found in Django's own directory) is rendered by the template."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData

_DJANGO_TEMPLATES = Path(django.forms.__file__).parent / "templates"
_INPUT = "django/forms/widgets/input.html"
_WIDGET_ATTRS = "django/forms/widgets/attrs.html"
_INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'
# Rendered as a template renders a value: localized, then escaped unless already safe.
_CONTEXT = Context(autoescape=True)


def _v(value: Any) -> str:
    """{{ value }}"""
    return str(render_value_in_context(value, _CONTEXT))


def _s(value: Any) -> str:
    """{{ value|stringformat:'s' }}"""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else str(escape(text))


def _attrs(attrs: dict[str, Any] | None) -> str:
    """django/forms/attrs.html and django/forms/widgets/attrs.html (no attrs: none)"""
    if not attrs:
        return ""
    return "".join(
        f" {_v(name)}" if value is True else f' {_v(name)}="{_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_s(widget["value"])}"'
    return (
        f'<input type="{_v(widget["type"])}" name="{_v(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _select(context: dict[str, Any]) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_v(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_v(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_s(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_v(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = _v(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_v(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _label(context: dict[str, Any]) -> str:
    if not context["use_tag"]:
        return _v(context["label"])
    tag = _v(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_v(context['label'])}</{tag}>"


def _errors(context: dict[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_attr = f' id="{_v(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_v(error)}</li>" for error in errors)
    return f'<ul class="{_v(context["error_class"])}"{id_attr}>{items}</ul>'


def _python_templates() -> dict[str, tuple[Callable[[dict[str, Any]], str], tuple[str, ...]]]:
    """template name → (its Python, the templates it stands for: Django's own files)."""
    table: dict[str, tuple[Callable[[dict[str, Any]], str], tuple[str, ...]]] = {
        _INPUT: (_input, (_INPUT, _WIDGET_ATTRS)),
        "django/forms/widgets/select.html": (
            _select,
            (
                "django/forms/widgets/select.html",
                "django/forms/widgets/select_option.html",
                _WIDGET_ATTRS,
            ),
        ),
        "django/forms/widgets/textarea.html": (
            _textarea,
            ("django/forms/widgets/textarea.html", _WIDGET_ATTRS),
        ),
        "django/forms/label.html": (
            _label,
            ("django/forms/label.html", "django/forms/attrs.html"),
        ),
        "django/forms/errors/list/default.html": (
            _errors,
            ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"),
        ),
        "django/forms/errors/list/ul.html": (_errors, ("django/forms/errors/list/ul.html",)),
    }
    for path in sorted((_DJANGO_TEMPLATES / "django/forms/widgets").glob("*.html")):
        if path.read_text() == _INCLUDE_INPUT:  # text, number, date, hidden, checkbox…
            name = f"django/forms/widgets/{path.name}"
            table[name] = (_input, (name, _INPUT, _WIDGET_ATTRS))
    return table


_PYTHON = _python_templates()


class PythonFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        python = _PYTHON.get(template_name)
        if python is not None and self._all_djangos(python[1]):
            return python[0](context).strip()  # as Django strips a rendered template
        return super().render(template_name, context, request=request)

    def _all_djangos(self, names: tuple[str, ...]) -> bool:
        return all(_is_djangos(self, name) for name in names)


@cache
def _is_djangos(renderer: DjangoTemplates, name: str) -> bool:
    """The template the renderer would load is Django's own file (no app overrides it)."""
    origin = renderer.get_template(name).origin.name
    return bool(origin == str(_DJANGO_TEMPLATES / name))
