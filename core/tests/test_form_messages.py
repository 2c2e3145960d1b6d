"""Django's own form messages read as proper Vietnamese (core's catalogue overrides Django's)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation


def _errors(field: forms.Field, value: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    return refused.value.messages


def test_number_limits_and_whole_numbers_are_in_vietnamese_without_a_stray_space() -> None:
    with translation.override("vi"):
        assert _errors(forms.IntegerField(max_value=10000), "20000") == [
            "Giá trị này phải nhỏ hơn hoặc bằng 10000."
        ]
        assert _errors(forms.IntegerField(min_value=1), "0") == [
            "Giá trị này phải lớn hơn hoặc bằng 1."
        ]
        assert _errors(forms.IntegerField(), "x") == ["Hãy nhập một số nguyên."]


def test_an_invalid_choice_is_explained_in_vietnamese() -> None:
    with translation.override("vi"):
        field = forms.ChoiceField(choices=[("a", "A")])
        assert _errors(field, "b") == ["Hãy chọn một mục hợp lệ. b không có trong danh sách."]
        assert _errors(forms.CharField(max_length=3), "abcd") == ["Tối đa 3 ký tự (hiện có 4)."]


def test_english_stays_django_english() -> None:
    with translation.override("en"):
        assert _errors(forms.IntegerField(), "x") == ["Enter a whole number."]
