"""core.widgets.TickBoxes and RadioButtons write the same HTML as Django's
CheckboxSelectMultiple and RadioSelect, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils.html import format_html

from core.widgets import RadioButtons, TickBoxes

CHOICES: list[Any] = [
    ("hiv", "HIV & STI <prevention>"),
    ("group <1>", [("a", 'Nhà nghỉ "Hoa"'), ("b", "Bến xe")]),
    (3, format_html('<span class="choice-title">{}</span>', "Xét nghiệm <HIV>")),
    ("", "— Không —"),
]
PAIRS = [(TickBoxes, forms.CheckboxSelectMultiple), (RadioButtons, forms.RadioSelect)]


class _Disabling:
    """Options that cannot be chosen, as a form may disable some."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)  # type: ignore[misc]
        if option["value"] == "b":
            option["attrs"]["disabled"] = True
        return option


@pytest.mark.parametrize(("ours", "djangos"), PAIRS)
@pytest.mark.parametrize("value", [None, "", [], "hiv", ["a", "3"], [3, "b"], ["nope"]])
@pytest.mark.parametrize(
    "attrs",
    [{}, {"class": "service-choice", "required": True, "data-x": False, "aria-label": 'a"b'}],
)
@pytest.mark.parametrize("render_attrs", [{"id": "id_t"}, {}, {"id": "a<b"}])
def test_the_html_is_djangos(
    ours: Any, djangos: Any, value: Any, attrs: dict[str, Any], render_attrs: dict[str, Any]
) -> None:
    mine = ours(attrs=attrs, choices=CHOICES).render("topics", value, attrs=render_attrs)
    theirs = djangos(attrs=attrs, choices=CHOICES).render("topics", value, attrs=render_attrs)
    assert mine == theirs
    assert "&lt;prevention&gt;" in mine and "<prevention>" not in mine
    assert '<span class="choice-title">Xét nghiệm &lt;HIV&gt;</span>' in mine


@pytest.mark.parametrize(("ours", "djangos"), PAIRS)
def test_disabled_options_are_djangos(ours: Any, djangos: Any) -> None:
    mine = type("Mine", (_Disabling, ours), {})(choices=CHOICES)
    theirs = type("Theirs", (_Disabling, djangos), {})(choices=CHOICES)
    html = mine.render("t", ["a"], attrs={"id": "id_t"})
    assert html == theirs.render("t", ["a"], attrs={"id": "id_t"})
    assert 'value="b" id="id_t_1_1" disabled>' in html


@pytest.mark.parametrize(("ours", "djangos"), PAIRS)
def test_another_option_template_is_left_to_django(ours: Any, djangos: Any) -> None:
    class Mine(ours):
        option_template_name = "django/forms/widgets/input.html"

    class Theirs(djangos):
        option_template_name = "django/forms/widgets/input.html"

    html = Mine(choices=CHOICES).render("t", "hiv")
    assert html == Theirs(choices=CHOICES).render("t", "hiv")
    assert "<label for=" not in html


def _form(widgets: tuple[Any, Any], data: dict[str, Any] | None = None) -> forms.Form:
    ticks, radio = widgets

    class F(forms.Form):
        topics = forms.MultipleChoiceField(choices=CHOICES, required=False, widget=ticks)
        method = forms.ChoiceField(choices=CHOICES[:1] + CHOICES[2:3], widget=radio)
        needs = forms.MultipleChoiceField(choices=CHOICES[:1], widget=ticks, disabled=True)
        note = forms.CharField(max_length=3)

    return F(data, initial={"topics": ["a"], "needs": ["hiv"]})


@pytest.mark.parametrize(
    "data",
    [
        None,  # a new form, initial ticks
        {"topics": ["hiv", "b"], "method": "3", "note": "ok"},  # some ticked, valid
        {"topics": ["hiv", "nope"], "note": "too long"},  # rejected: keeps what was ticked
        {},  # rejected, nothing typed
    ],
)
def test_a_form_renders_as_with_djangos_widgets(data: dict[str, Any] | None) -> None:
    mine = _form((TickBoxes, RadioButtons), data)
    theirs = _form((forms.CheckboxSelectMultiple, forms.RadioSelect), data)
    if data is not None:
        assert not mine.is_valid() or data.get("note") == "ok"
        assert mine.errors == theirs.errors
    for name in ("topics", "method", "needs"):
        assert str(mine[name]) == str(theirs[name])
    assert str(mine) == str(theirs)


@pytest.mark.django_db
def test_a_model_multiple_choice_field_renders_as_djangos() -> None:
    from clients.models import PopulationGroup

    def form(widget: Any, data: dict[str, Any] | None) -> forms.Form:
        class F(forms.Form):
            groups = forms.ModelMultipleChoiceField(
                PopulationGroup.objects.order_by("order", "code"), widget=widget
            )

        return F(data)

    first = PopulationGroup.objects.order_by("order", "code").first()
    for data in (None, {"groups": [first.pk] if first else []}, {"groups": ["x"]}):
        assert str(form(TickBoxes, data)["groups"]) == str(
            form(forms.CheckboxSelectMultiple, data)["groups"]
        )
