"""What an indicator is: its unit (`Unit`, `UNITS`) and its definition (`Indicator`): a
stable code (used by exports, DHIS2 mappings and tests), its number in the report table, a
Vietnamese and an English label, a unit, how it is counted (a function of the filtered
ReportContext) and which breakdowns it allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import get_language

from directory.taxonomy import SERVICE_TYPES

from . import counting
from .context import ReportContext
from .dimensions import DIMENSIONS
from .measures import Measure


@dataclass(frozen=True)
class Unit:
    code: str
    vi: str
    en: str
    people: bool  # counts of people and person-times are suppressed for managers

    @property
    def label(self) -> str:
        return self.en if (get_language() or "vi").startswith("en") else self.vi


UNITS: dict[str, Unit] = {
    u.code: u
    for u in [
        Unit("nguoi", "người", "persons", True),
        Unit("luot", "lượt người", "person-times", True),
        Unit("buoi", "buổi", "sessions", False),
        Unit("cuoc", "cuộc", "calls", True),
        Unit("vu", "vụ", "incidents", True),
        Unit("ban", "bản", "copies", False),
        Unit("chiec", "chiếc", "pieces", False),
        Unit("goi", "gói", "sachets", False),
        Unit("nhom", "nhóm", "groups", False),
        Unit("pct", "%", "%", False),
        Unit("ngay", "ngày", "days", False),
    ]
}

Number = int | float | None


@dataclass(frozen=True)
class Indicator:
    code: str
    number: str
    label_vi: str
    label_en: str
    unit: str
    compute: Callable[[ReportContext], Number]
    breakdown: Callable[[ReportContext, str], dict[Any, int] | None] | None = None
    breakdowns: tuple[str, ...] = ()
    # Suppressed whenever one of these is (a rate reveals its numerator).
    depends_on: tuple[str, ...] = ()
    parent: str | None = None  # a sub-line ("Trong đó") of this indicator
    people: bool | None = None  # overrides the unit's default
    source: str = ""
    # How the line is counted, when it is one measure: perturbed reports take the
    # cell keys from it (reports.perturbation).
    measure: Measure | None = None

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi

    @property
    def unit_obj(self) -> Unit:
        return UNITS[self.unit]

    @property
    def describes_people(self) -> bool:
        return self.unit_obj.people if self.people is None else self.people

    @property
    def level(self) -> int:
        return self.number.count(".")


PERSON_DIMS = ("sex", "gender", "age_group", "population_group")


def measured(
    code: str,
    number: str,
    vi: str,
    en: str,
    unit: str,
    measure: Measure,
    breakdowns: tuple[str, ...] = (),
    **extra: Any,
) -> Indicator:
    """A line counted by one measure: its total and its breakdowns come from the measure's
    batches (reports.counting), its cell keys too for a perturbed report."""

    def compute(ctx: ReportContext) -> int | None:
        return counting.total(measure, ctx)

    def breakdown(ctx: ReportContext, dim: str) -> dict[Any, int] | None:
        return counting.by(measure, ctx, DIMENSIONS[dim])

    return Indicator(
        code,
        number,
        vi,
        en,
        unit,
        compute=compute,
        breakdown=breakdown,
        breakdowns=breakdowns,
        source=measure.source,
        measure=measure,
        **extra,
    )


def person_times(where: Q, key: str) -> Measure:
    """Person-times (lượt) of the deliveries matching `where` (`key` names it)."""
    return Measure("delivery", "person_times", where=where, where_key=key)


def types_where(**match: str) -> list[str]:
    return [
        t.code for t in SERVICE_TYPES.values() if all(getattr(t, k) == v for k, v in match.items())
    ]


NATIONAL = ("education", "legal", "health")
