"""core.form_renderer.PythonFormRenderer writes the same HTML as Django's form renderer."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core import form_renderer
from core.form_renderer import PythonFormRenderer
from core.widgets import LongSelect, RadioButtons, TickBoxes

CHOICES: list[Any] = [
    ("", "— Chọn —"),
    ("g <1>", [("a", 'Nhà nghỉ "Hoa"'), ("b", "Bến xe")]),
    (3, "Công viên <Thống Nhất>"),
    (1000, 2000),
]


class Everything(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=5, help_text="<b>not</b> bold")
    phone = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "data-x": False}),
    )
    year = forms.IntegerField(
        min_value=1930, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
    )
    amount = forms.DecimalField(required=False, initial=1234.5)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    at = forms.DateTimeField(required=False, initial=datetime.datetime(2026, 1, 2, 3, 4))
    email = forms.EmailField(required=False, label=mark_safe(" E-<i>mail</i> "))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput, initial='x"<y>')
    agree = forms.BooleanField(required=False, label="Đồng ý & ký")
    place = forms.ChoiceField(choices=CHOICES, required=False)
    places = forms.MultipleChoiceField(choices=CHOICES, required=False)
    long = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect)
    ticks = forms.MultipleChoiceField(choices=CHOICES[1:], required=False, widget=TickBoxes)
    radio = forms.ChoiceField(choices=CHOICES[1:], required=False, widget=RadioButtons)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    frozen = forms.CharField(required=False, disabled=True, initial=format_html("<{}>", "a"))

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("phone") == "000":
            raise forms.ValidationError(["Số <không> hợp lệ", "second"])
        return data


DATA: list[dict[str, Any] | None] = [
    None,  # a new form
    {},  # nothing typed
    {  # rejected: keeps what was typed
        "name": "<script>",
        "phone": "000",
        "year": "1800",
        "amount": "x",
        "when": "2026-13-01",
        "email": "a@",
        "secret": 'p"w',
        "agree": "on",
        "place": "a",
        "places": ["b", "3", "zz"],
        "long": "1000",
        "ticks": ["a", "3"],
        "radio": "b",
        "notes": "</textarea>\n  x ",
    },
    {"name": "ok", "year": "1990", "when": "2026-01-02", "place": "3", "radio": "a"},  # valid
]


def _rendered(renderer: Any, data: dict[str, Any] | None, **kwargs: Any) -> list[str]:
    form = Everything(data, renderer=renderer, **kwargs)
    form.is_valid() if data is not None else None
    out = [str(form), form.as_p(), form.as_table(), str(form.non_field_errors())]
    for bound in form:
        out += [str(bound), bound.label_tag(), bound.legend_tag(), str(bound.errors)]
        out.append(bound.label_tag("Nhãn <x>", attrs={"class": "c", "hidden": True}))
    return out


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("kwargs", [{}, {"auto_id": False}, {"prefix": "p", "label_suffix": ""}])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_html_is_djangos(data: Any, kwargs: dict[str, Any], language: str) -> None:
    with override(language):
        ours = _rendered(PythonFormRenderer(), data, **kwargs)
        djangos = _rendered(DjangoTemplates(), data, **kwargs)
    assert ours == djangos
    if data and "phone" in data and "prefix" not in kwargs:
        assert "&lt;script&gt;" in ours[0] and "<script>" not in ours[0]
        assert "Số &lt;không&gt; hợp lệ" in ours[0]


def test_the_python_templates_are_used() -> None:
    renderer = PythonFormRenderer()
    calls: list[str] = []
    original = DjangoTemplates.render

    def spy(self: Any, template_name: str, *args: Any, **kwargs: Any) -> str:
        calls.append(template_name)
        return original(self, template_name, *args, **kwargs)

    DjangoTemplates.render = spy  # type: ignore[method-assign]
    try:
        form = Everything({"phone": "000"}, renderer=renderer)
        for bound in form:
            str(bound), bound.label_tag(), str(bound.errors)
    finally:
        DjangoTemplates.render = original  # type: ignore[method-assign]
    assert calls == []


def test_an_overridden_template_is_rendered_by_its_template(monkeypatch: Any) -> None:
    renderer = PythonFormRenderer()
    assert form_renderer._is_djangos(renderer, "django/forms/widgets/text.html")
    assert not form_renderer._is_djangos(renderer, "outreach/contact_form.html")
    monkeypatch.setattr(form_renderer, "_is_djangos", lambda renderer, name: False)
    calls: list[str] = []

    def get_template(self: Any, name: str) -> Any:
        calls.append(name)
        raise ZeroDivisionError

    monkeypatch.setattr(DjangoTemplates, "get_template", get_template)
    with pytest.raises(ZeroDivisionError):
        str(Everything(renderer=renderer)["name"])
    assert calls == ["django/forms/widgets/text.html"]


def test_it_is_the_forms_renderer() -> None:
    assert isinstance(Everything().renderer, PythonFormRenderer)
