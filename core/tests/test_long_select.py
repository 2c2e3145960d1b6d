"""core.widgets.LongSelect writes the same HTML as Django's Select, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from core.widgets import LongSelect

CHOICES: list[Any] = [
    ("", "— Chọn —"),
    ("group <1>", [(1, "Quán cà phê & karaoke"), (2, 'Nhà nghỉ "Hoa"')]),
    (3, "Công viên <Thống Nhất>"),
    (4, "Bến xe"),
]


@pytest.mark.parametrize("value", [None, "", 2, "3", [4]])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "wide", "required": True, "data-x": False, "aria-label": 'a"b'}]
)
def test_the_html_is_djangos(value: Any, attrs: dict[str, Any]) -> None:
    ours = LongSelect(attrs=attrs, choices=CHOICES).render("place", value, attrs={"id": "id_p"})
    django = forms.Select(attrs=attrs, choices=CHOICES).render("place", value, attrs={"id": "id_p"})
    assert ours == django
    assert "&lt;Thống Nhất&gt;" in ours and "<Thống" not in ours


@pytest.mark.django_db
def test_a_model_choice_field_renders_as_djangos() -> None:
    from geo.models import Province

    class Ours(forms.Form):
        province = forms.ModelChoiceField(Province.objects.order_by("code"), widget=LongSelect)

    class Djangos(forms.Form):
        province = forms.ModelChoiceField(Province.objects.order_by("code"))

    first = Province.objects.order_by("code").first()
    data = {"province": first.pk if first else ""}
    assert str(Ours(data)["province"]) == str(Djangos(data)["province"])
    assert str(Ours()["province"]) == str(Djangos()["province"])
