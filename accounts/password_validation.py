"""Refuse passwords that are common in Vietnam.

Django's CommonPasswordValidator holds an English-language list: "matkhau123" (mật khẩu =
password) and "anhyeuem123" (anh yêu em = I love you) pass it and the 10-character minimum.
The list in accounts/data/common_passwords_vi.txt holds whole passwords and stems; a
password is refused when, lower-cased and without diacritics or spaces, it is on the list,
or is a stem on the list with only digits and symbols added before or after it."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_LIST = Path(__file__).resolve().parent / "data" / "common_passwords_vi.txt"
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")


def normalise(text: str) -> str:
    text = text.lower().replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=4)
def _load(path: str) -> frozenset[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(line) for line in lines if line.strip() and not line.startswith("#"))


class VietnameseCommonPasswordValidator:
    def __init__(self, password_list_path: str | Path = DEFAULT_LIST) -> None:
        self.path = str(password_list_path)

    def is_common(self, password: str) -> bool:
        words = _load(self.path)
        plain = normalise(password)
        if plain in words:
            return True
        stem = _EDGES.sub("", plain)
        # A stem needs letters left once the added digits and symbols are gone.
        return bool(stem) and stem != plain and stem in words

    def validate(self, password: str, user: Any = None) -> None:
        if self.is_common(password):
            raise ValidationError(
                _(
                    "This password is too common in Vietnam (like “matkhau123” or "
                    "“anhyeuem”). Choose words of your own."
                ),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be a commonly used Vietnamese password.")
