"""Reads of areas. Areas are public reference data: no user scoping needed."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from .models import Commune, CommuneConversion, LegacyCommune, Province
from .text import fold


def commune_search(
    term: str, *, province_code: str | None = None, limit: int = 20
) -> QuerySet[Commune]:
    """Communes whose name matches every word typed, with or without diacritics.

    Names holding the words as typed, side by side ("ha long" → Hạ Long), come before names
    that merely hold each word somewhere (Duyên Hải, Vĩnh Long)."""
    qs = Commune.objects.select_related("province")
    if province_code:
        qs = qs.filter(province_id=province_code)
    words = fold(term).split()
    for word in words:
        qs = qs.filter(search_name__contains=word)
    if len(words) > 1:
        qs = qs.annotate(
            phrase_rank=Case(
                When(search_name__contains=" ".join(words), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("phrase_rank", "name")
    else:
        qs = qs.order_by("name")
    return qs[:limit]


def province_search(term: str) -> QuerySet[Province]:
    qs = Province.objects.all()
    for word in fold(term).split():
        qs = qs.filter(search_name__contains=word)
    return qs


def resolve_legacy_commune(old_code: str) -> list[tuple[Commune, str]]:
    """The new commune(s) an old commune code became, each with its note."""
    rows = CommuneConversion.objects.filter(old_commune_id=old_code.zfill(5)).select_related(
        "new_commune__province"
    )
    return [(row.new_commune, row.get_note_display()) for row in rows]


def legacy_to_new_map() -> dict[str, list[str]]:
    """old commune code → new commune codes, for reports spanning the reform."""
    mapping: dict[str, list[str]] = {}
    for old, new in CommuneConversion.objects.values_list("old_commune_id", "new_commune_id"):
        mapping.setdefault(old, []).append(new)
    return mapping


def legacy_commune_lookup(term: str, *, limit: int = 20) -> list[tuple[LegacyCommune, list[Any]]]:
    """Old communes matching a code or a name (every word, accents optional), each with
    the new commune(s) it became and the note (merged whole / split)."""
    term = term.strip()
    qs = LegacyCommune.objects.all()
    if term.isdigit():
        qs = qs.filter(code=term.zfill(5))
    else:
        words = fold(term).split()
        if not words:
            return []
        for word in words:
            qs = qs.filter(search_name__contains=word)
    qs = qs.prefetch_related(
        Prefetch(
            "conversions",
            queryset=CommuneConversion.objects.select_related("new_commune__province"),
        )
    ).order_by("province_name", "district_name", "name")[:limit]
    return [(old, list(old.conversions.all())) for old in qs]
