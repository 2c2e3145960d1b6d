"""Reads of areas. Areas are public reference data: no user scoping needed."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Concat

from core.text import fold

from .models import Commune, CommuneConversion, LegacyCommune, Province

# How a commune's name starts (its division type), folded: "Phường Uông Bí" is "Uông Bí".
DIVISION_PREFIXES = ("phuong", "xa", "dac khu", "thi tran")


def commune_search(
    term: str, *, province_code: str | None = None, limit: int = 20
) -> QuerySet[Commune]:
    """Communes whose name matches every word typed, with or without diacritics.

    Ranked on the folded name without its division type ("uong bi" for Phường Uông Bí):
    0 the name is what was typed; 1 it starts with it; 2 it holds it as whole words;
    3 every word typed starts a word of it; 4 the words are only inside other words
    ("uong bi" inside "phuong binh"). Then by name."""
    qs = Commune.objects.select_related("province")
    if province_code:
        qs = qs.filter(province_id=province_code)
    words = fold(term).split()
    for word in words:
        qs = qs.filter(search_name__contains=word)
    if not words:
        return qs.order_by("name")[:limit]
    typed = " ".join(words)
    exact = Q()
    prefix = Q()
    for division in DIVISION_PREFIXES:
        exact |= Q(search_name=Concat(Value(f"{division} {typed} "), F("province__search_name")))
        prefix |= Q(search_name__startswith=f"{division} {typed} ")
    whole = Q(search_name__startswith=f"{typed} ") | Q(search_name__contains=f" {typed} ")
    starts = Q()
    for word in words:
        starts &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
    qs = qs.annotate(
        match_rank=Case(
            When(exact, then=Value(0)),
            When(prefix, then=Value(1)),
            When(whole, then=Value(2)),
            When(starts, then=Value(3)),
            default=Value(4),
            output_field=IntegerField(),
        )
    )
    return qs.order_by("match_rank", "name", "province__name")[:limit]


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


def legacy_commune_lookup(
    term: str, *, limit: int = 20
) -> list[tuple[LegacyCommune, list[CommuneConversion]]]:
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
