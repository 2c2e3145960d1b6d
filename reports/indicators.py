"""The indicator catalogue (`CATALOGUE`, `BY_CODE`: the lines of reports.catalogue with
their area tables) and the relations between its lines that the protection and the checks
use (parts that add up, one figure shown twice, subsets, sub-lines by service type).
How to add one: docs/counting-rules.md."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from directory.taxonomy import SERVICE_TYPES

from .aggregated import BROKEN_DOWN
from .catalogue import build
from .dimensions import AREA_DIMENSIONS
from .indicator_types import NATIONAL, Indicator, types_where
from .measures import KEYED


def _numbered(lines: list[Indicator]) -> list[Indicator]:
    """Number the lines as a Vietnamese report does: 1, 2, … and sub-lines 5.1, 5.1.1."""
    counters: dict[str | None, int] = {}
    numbers: dict[str, str] = {}
    out = []
    for ind in lines:
        counters[ind.parent] = counters.get(ind.parent, 0) + 1
        n = str(counters[ind.parent])
        number = f"{numbers[ind.parent]}.{n}" if ind.parent else n
        numbers[ind.code] = number
        out.append(replace(ind, number=number))
    return out


# The headline indicators: the columns of the tables by province, support model and
# commune (reports.dimensions AREA_DIMENSIONS), and of the periodic reports' overview.
HEADLINE = (
    "pt_national",
    "pt_education",
    "pt_legal",
    "pt_health",
    "pt_psych",
    "pt_protection",
    "persons_supported",
    "clients_reached",
    "outreach_contacts",
    "referrals_made",
)


def _with_area_tables(lines: list[Indicator]) -> list[Indicator]:
    return [
        replace(ind, breakdowns=ind.breakdowns + AREA_DIMENSIONS) if ind.code in HEADLINE else ind
        for ind in lines
    ]


CATALOGUE: list[Indicator] = _with_area_tables(_numbered(build()))
BY_CODE: dict[str, Indicator] = {i.code: i for i in CATALOGUE}
KEYED.update(
    (i.measure.source, i.measure.key)
    for i in CATALOGUE
    if i.measure is not None and i.describes_people
)
BROKEN_DOWN.update(
    (i.measure.source, i.measure.key, dim)
    for i in CATALOGUE
    if i.measure is not None
    for dim in i.breakdowns
)

# Lines whose parts add up to a total: (total, parts). Complementary suppression keeps
# "total minus the visible parts" from revealing a hidden part.
ADDITIVE: list[tuple[str, tuple[str, ...]]] = [
    ("pt_national", ("pt_education", "pt_legal", "pt_health")),
    ("pt_all", ("pt_national", "pt_psych", "pt_protection")),
    ("members", ("members_core", "members_network")),
]

CATEGORY_LINES: dict[str, str] = {
    "education": "pt_education",
    "legal": "pt_legal",
    "health": "pt_health",
    "psych": "pt_psych",
    "protection": "pt_protection",
}

# One figure shown in two places: (line, dimension, key) is the same number as another
# line. Suppression must give both places the same decision, or the visible copy would
# reveal the hidden one.
SAME_FIGURE: list[tuple[str, str, Any, str]] = [
    *[("pt_national", "category", cat, CATEGORY_LINES[cat]) for cat in NATIONAL],
    *[("pt_all", "category", cat, line) for cat, line in CATEGORY_LINES.items()],
    *[
        ("pt_health", "service_type", t.code, f"pt_health_{t.code}")
        for t in SERVICE_TYPES.values()
        if t.category == "health"
    ],
    ("referrals_made", "referral_status", "completed", "referrals_completed"),
    ("members", "member_role", "core", "members_core"),
    ("members", "member_role", "network", "members_network"),
    # Minors are new clients under 18 in the year they registered: the "<18" age group.
    ("new_clients", "age_group", "lt18", "minors_flagged"),
]

# "Of which" sub-lines that are a subset of their line: (line, sub-line). The rest
# (line − sub-line) is a figure too: a reader gets it by subtraction.
SUBSETS: list[tuple[str, str]] = [
    ("pt_education", "pt_loan"),
    ("pt_legal", "pt_identity_papers"),
    ("referrals_made", "referrals_accepted"),
    ("referrals_accepted", "referrals_completed"),
    ("incidents", "incidents_protection"),
]

# A sub-line made of some of its parent's service types: (sub-line, parent, types).
SUBLINE_TYPES: list[tuple[str, str, tuple[str, ...]]] = [
    ("pt_loan", "pt_education", tuple(types_where(subline="loan"))),
    ("pt_identity_papers", "pt_legal", tuple(types_where(subline="identity_papers"))),
]
