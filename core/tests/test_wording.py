"""The Vietnamese wording is right and says one thing one way (issue 13, item 13)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

# Wrong or mixed wording that must never reach a user again.
BANNED = {
    "gửi chuyển gửi": "'Gửi chuyển gửi' repeats itself: 'Chuyển gửi'",
    "(các)": "'(các) mã' is not Vietnamese: say it in full",
    "client_uuid": "a developer's word",
    "định danh": "identity is 'nhận dạng' everywhere",
    "hai lớp": "two-factor is 'hai bước' everywhere",
    "hoặc hai ngày": "'hai ngày' means two days, not two dates",
    "Số ngày trung vị": "'Trung vị số ngày'",
    "Nhu cầu phát hiện": "'Nhu cầu được phát hiện'",
    "---------": "the empty option is '— Chọn —'",
}


def _vietnamese_texts() -> list[tuple[str, str]]:
    """Every Vietnamese string a user can see: the catalogues' translations and the
    Vietnamese labels written in code (the report's indicators)."""
    out = []
    for po in ROOT.glob("*/locale/vi/LC_MESSAGES/django.po"):
        if ".venv" in po.parts:
            continue
        text = po.read_text(encoding="utf-8")
        for block in re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', text):
            out.append((str(po.relative_to(ROOT)), "".join(re.findall(r'"(.*)"', block))))
    from reports.indicators import CATALOGUE as INDICATORS

    for indicator in INDICATORS:
        out.append(("reports/catalogue.py", indicator.label_vi))
    return out


def test_no_banned_wording_reaches_a_user() -> None:
    found = [
        (where, phrase, why)
        for where, text in _vietnamese_texts()
        for phrase, why in BANNED.items()
        if phrase.lower() in text.lower()
    ]
    assert found == []


def test_every_phone_field_has_the_same_rule() -> None:
    from clients.forms import _clean_phone
    from core.forms import clean_phone_digits
    from programs.establishments.forms import EstablishmentForm

    for digits in ("09123456", "091234567890"):  # 8 and 12 digits: refused by both
        with pytest.raises(forms.ValidationError) as one:
            _clean_phone(digits)
        with pytest.raises(forms.ValidationError):
            clean_phone_digits(digits)
        assert "9" in one.value.messages[0] and "11" in one.value.messages[0]
    assert _clean_phone("+84 912 345 678") == "0912345678"
    assert "owner_phone" in EstablishmentForm.base_fields


def test_lubricant_is_counted_in_sachets() -> None:
    from reports.indicators import CATALOGUE as INDICATORS

    lubricant = next(i for i in INDICATORS if i.code == "lubricant_distributed")
    assert "gói" in lubricant.label_vi and lubricant.unit_obj.vi == "gói"


def test_drop_downs_start_on_choose(world: Any, as_user: Any) -> None:
    page = as_user(world.peer).get(reverse("outreach:contact_new")).content.decode()
    assert "---------" not in page
    assert "— Chọn —" in page


def test_model_forms_declared_at_import_start_on_choose_too() -> None:
    """Model forms build their choices when their module is imported: the empty option
    must already read "— Chọn —" then."""
    from django.utils import translation

    from directory.forms import AgreementLineForm
    from outreach.forms import MaterialForm

    with translation.override("vi"):
        for form_class in (MaterialForm, AgreementLineForm):
            html = str(form_class())
            assert "---------" not in html, form_class.__name__
        assert "— Chọn —" in str(MaterialForm())  # its theme starts empty
