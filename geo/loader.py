"""Loads the areas: current units from the pinned `vietnam-provinces` package, the
pre-reform communes and the conversion table from the CSV files shipped in geo/data."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import vietnam_provinces as vp
from django.db import transaction

from core.text import fold

from .models import Commune, CommuneConversion, LegacyCommune, Province

DATA_DIR = Path(__file__).resolve().parent / "data"
LEGACY_CSV = DATA_DIR / "communes-before-2025-07-01.csv"
CONVERSION_CSV = DATA_DIR / "conversion-2025-07-01.csv"
_CODE_IN_PARENS = re.compile(r"\((\d+)\)\s*$")


@dataclass
class LoadResult:
    provinces: int
    communes: int
    legacy_communes: int
    conversions: int


def _code(value: int | str, width: int) -> str:
    return str(int(value)).zfill(width)


@transaction.atomic
def load_areas() -> LoadResult:
    """Idempotent: running it again changes nothing."""
    if not Province.objects.exists():
        Province.objects.bulk_create(
            Province(code=_code(p.code, 2), name=p.name, search_name=fold(p.name))
            for p in vp.Province.iter_all()
        )
    if not Commune.objects.exists():
        provinces = {p.code: p for p in Province.objects.all()}
        Commune.objects.bulk_create(
            (
                Commune(
                    code=_code(w.code, 5),
                    name=w.name,
                    division_type=str(w.division_type.value),
                    province_id=_code(w.province_code, 2),
                    search_name=fold(f"{w.name} {provinces[_code(w.province_code, 2)].name}"),
                )
                for w in vp.Ward.iter_all()
            ),
            batch_size=1000,
        )
    if not LegacyCommune.objects.exists():
        _load_legacy()
    if not CommuneConversion.objects.exists():
        _load_conversions()
    return LoadResult(
        Province.objects.count(),
        Commune.objects.count(),
        LegacyCommune.objects.count(),
        CommuneConversion.objects.count(),
    )


def _load_legacy() -> None:
    rows = []
    with LEGACY_CSV.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for province, pcode, district, dcode, commune, ccode, level, *_ in reader:
            # Island districts had no communes: they are keyed "D" + district code.
            code = ccode.zfill(5) if ccode.strip() else f"D{dcode.zfill(3)}"
            rows.append(
                LegacyCommune(
                    code=code,
                    name=commune.strip(),
                    level=level.strip(),
                    district_code=dcode.zfill(3),
                    district_name=district.strip(),
                    province_code=pcode.zfill(2),
                    province_name=province.strip(),
                    search_name=fold(f"{commune} {district} {province}"),
                )
            )
    LegacyCommune.objects.bulk_create(rows, batch_size=1000)


def _norm(name: str) -> str:
    """Fold a unit name for matching: the table and the package disagree on dashes,
    apostrophes and stray spaces ("Chân Mây - Lăng Cô" / "Chân Mây – Lăng Cô")."""
    for odd, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u2013", "-")):
        name = name.replace(odd, plain)
    return fold(name)


def _load_conversions() -> None:
    """Read the official table, matching units by name within their province (new) or
    district (old) first: about 130 of the table's codes were renumbered before the
    package's final list (e.g. Phường Cửa Nam is 00073, not the table's 00082). The
    printed code is used only when the name does not settle it."""
    new_by_code = {c.code: c for c in Commune.objects.all()}
    new_by_name: dict[tuple[str, str], list[str]] = {}
    for commune in new_by_code.values():
        new_by_name.setdefault((commune.province_id, _norm(commune.name)), []).append(commune.code)
    old_by_code = {c.code: c for c in LegacyCommune.objects.all()}
    old_by_name: dict[tuple[str, str], list[str]] = {}
    for legacy in old_by_code.values():
        old_by_name.setdefault((legacy.district_code, _norm(legacy.name)), []).append(legacy.code)

    def pick(candidates: list[str], printed: str, known: Mapping[str, object]) -> str | None:
        if len(candidates) == 1:
            return candidates[0]
        if printed in candidates or (not candidates and printed in known):
            return printed
        return None

    seen: set[tuple[str, str]] = set()
    rows = []
    with CONVERSION_CSV.open(encoding="utf-8") as handle:
        for line in csv.reader(handle):
            if len(line) < 7 or not line[2].strip().isdigit():
                continue  # headers and province section rows
            province = _CODE_IN_PARENS.search(line[0].strip())
            district = _CODE_IN_PARENS.search(line[6].strip())
            new_code = pick(
                new_by_name.get(
                    (province.group(1).zfill(2) if province else "", _norm(line[1])), []
                ),
                line[2].strip().zfill(5),
                new_by_code,
            )
            old_raw = line[4].strip()
            if old_raw.isdigit():
                old_code = pick(
                    old_by_name.get(
                        (district.group(1).zfill(3) if district else "", _norm(line[3])), []
                    ),
                    old_raw.zfill(5),
                    old_by_code,
                )
            elif district is not None:
                # Island districts had no communes: keyed "D" + district code.
                old_code = f"D{district.group(1).zfill(3)}"
                old_code = old_code if old_code in old_by_code else None
            else:
                old_code = None
            if new_code is None or old_code is None or (old_code, new_code) in seen:
                continue
            seen.add((old_code, new_code))
            note = (
                CommuneConversion.Note.MERGED_WHOLE
                if "toàn bộ" in line[5]
                else CommuneConversion.Note.SPLIT
            )
            rows.append(
                CommuneConversion(old_commune_id=old_code, new_commune_id=new_code, note=note)
            )
    CommuneConversion.objects.bulk_create(rows, batch_size=1000)
