"""The unique identifier code (UIC) of a client, built from non-identifying parts.

The recipe is a deployment setting (settings.CAUNOI["UIC_RECIPE"]), a list of parts joined
in order. The default, "given2,mother2,yy,sex", is the first two letters of the client's
given name, the first two letters of the mother's given name, the two-digit birth year and
a sex letter: e.g. Lan, mother Hoa, 1995, female → "LAHO95F".

Known parts:
- ``given<n>`` / ``mother<n>`` / ``family<n>``: the first n letters of that name,
  unaccented and upper-cased, padded with "X" when the name is shorter (or not known);
- ``yy`` / ``yyyy``: the birth year, two or four digits;
- ``sex``: the sex letter (F, M, I, U).

Neither the names used here nor the resulting code are stored: a client row keeps only
`uic_index(code)`, a keyed hash (core.crypto.blind_index) of the code. Matching a
registration against existing clients, or a code typed in a search, compares hashes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from core.crypto import blind_index
from core.text import fold

_NAME_PART = re.compile(r"^(given|mother|family)(\d)$")
PAD = "X"


class UICRecipeError(ValueError):
    pass


def recipe() -> list[str]:
    value: Any = settings.CAUNOI.get("UIC_RECIPE", "given2,mother2,yy,sex")
    if isinstance(value, str):
        value = value.split(",")
    return [str(p).strip().lower() for p in value if str(p).strip()]


def letters(name: str, count: int) -> str:
    """The first `count` letters of a name, unaccented, upper-cased, padded with X."""
    folded = "".join(ch for ch in fold(name or "") if ch.isalpha()).upper()
    return (folded + PAD * count)[:count]


def needs(parts: Sequence[str] | None = None) -> set[str]:
    """Which names the recipe uses (given, mother, family): the form asks only for these."""
    found = set()
    for part in parts if parts is not None else recipe():
        match = _NAME_PART.match(part)
        if match:
            found.add(match.group(1))
    return found


def build_uic(
    *,
    given_name: str,
    mother_given_name: str = "",
    family_name: str = "",
    birth_year: int,
    sex: str,
    parts: Sequence[str] | None = None,
) -> str:
    names = {"given": given_name, "mother": mother_given_name, "family": family_name}
    out: list[str] = []
    for part in parts if parts is not None else recipe():
        match = _NAME_PART.match(part)
        if match:
            out.append(letters(names[match.group(1)], int(match.group(2))))
        elif part == "yy":
            out.append(f"{int(birth_year) % 100:02d}")
        elif part == "yyyy":
            out.append(f"{int(birth_year):04d}")
        elif part == "sex":
            out.append((sex or "U")[:1].upper())
        else:
            raise UICRecipeError(f"unknown UIC part: {part!r}")
    return "".join(out)


def normalise(code: str) -> str:
    """A UIC or short code as typed: spaces removed, upper-cased, unaccented."""
    return "".join(ch for ch in fold(code or "") if ch.isalnum()).upper()


def uic_index(code: str) -> str:
    """The keyed hash stored for a UIC (never the UIC itself); "" for an empty code."""
    return blind_index("uic", normalise(code))
