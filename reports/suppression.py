"""Small-cell suppression for manager reports.

1. Primary: a cell that describes people (người, lượt người, and events that are about
   people: calls, incidents) with a count from 1 to threshold−1 is hidden and shown as
   "<5". Counts of things that are not people (buổi, bản, chiếc, gói, nhóm) are never hidden.
2. Complementary (secondary): wherever cells add up to a total (the three national
   categories, a breakdown row and its indicator's total, the same breakdown key across
   additive lines, a sub-line and the service types it is made of), a single hidden cell
   could be recovered as "total minus the visible cells". So whenever such an equation
   has exactly one hidden cell, the next-smallest non-zero cell is hidden too (or the
   total when no other cell is non-zero). A figure shown in two places (a category line
   and the category column of the totals, a health sub-line and the service-type
   column, core members and the member-role column) is a one-part equation, so both
   places are hidden together. So is the rest of a line after its "of which" sub-line
   (incidents − incidents with a protection referral): never shown, but worked out by
   subtraction, so a rest of 1–4 hides the sub-line. Repeated until nothing changes,
   because equations share cells. These cells show the same "<5" as the small ones: a
   mark of their own would tell the reader they hold 5 or more, and with a small total
   (6 = "x" + "<5") that pins both down.
3. Rates and medians are hidden when a count they are computed from is hidden.

Every output must make the same decision for a cell, or a page and an export put side
by side would reveal it. So decisions are taken in two rounds:

- the lines and the *structural* columns (category, service type, referral status,
  member role: cheap, and the ones that repeat other lines) are always computed for a
  suppressed report and decided together, whatever the page shows;
- then each other breakdown (sex, age group, month…) is decided on its own, with the
  lines and structural cells fixed, so a breakdown loaded alone (the page's htmx
  sections) hides exactly what the full export hides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .indicators import ADDITIVE, CATEGORY_LINES, SAME_FIGURE, SUBLINE_TYPES, SUBSETS

if TYPE_CHECKING:
    from .report import Cell, Line, Report

STRUCTURAL = ("category", "service_type", "referral_status", "member_role")
# Column cells of other dimensions that repeat a line: (line, dimension).
REPEATING = frozenset(
    (code, dim) for code, dim, _key, _other in SAME_FIGURE if dim not in STRUCTURAL
)

# Lines that are the exact sum of other lines (beyond ADDITIVE), and sub-lines that
# together make up their line (not exactly: one visit may include two health services,
# so the equation is conservative).
LINE_SUMS: list[tuple[str, tuple[str, ...]]] = [
    *ADDITIVE,
    ("pt_all", tuple(CATEGORY_LINES.values())),
    (
        "pt_health",
        tuple(
            c for (line, dim, _k, c) in SAME_FIGURE if (line, dim) == ("pt_health", "service_type")
        ),
    ),
]

Equation = tuple["Cell", list["Cell"]]


def _primary(cell: Cell, limit: int) -> None:
    raw = cell.raw
    if isinstance(raw, int) and 0 < raw < limit:
        cell.hidden = True
        cell.small = True


def complement(total: Cell, parts: list[Cell], fixed: frozenset[int] = frozenset()) -> bool:
    """Make sure the equation total = Σ parts never has exactly one hidden cell.
    Cells in `fixed` (by id) were decided in an earlier round and are never changed.
    Returns True when it hid something."""
    cells = [total, *parts]
    hidden = [c for c in cells if c.hidden]
    if len(hidden) != 1:
        return False
    candidates = [
        c
        for c in parts
        if not c.hidden and id(c) not in fixed and isinstance(c.raw, int) and c.raw > 0
    ]
    if candidates:
        min(candidates, key=lambda c: c.raw or 0).hidden = True
        return True
    if not total.hidden and id(total) not in fixed and isinstance(total.raw, int) and total.raw > 0:
        total.hidden = True
        return True
    return False


def _keyed(lines: Iterable[Line]) -> dict[str, dict[str, dict[Any, Cell]]]:
    return {
        line.indicator.code: {
            dim: {bc.key: bc.cell for bc in cells} for dim, cells in line.breakdowns.items()
        }
        for line in lines
    }


Include = Callable[[str, str], bool]  # (line code, breakdown dimension) → in this round?


def structural(code: str, dim: str) -> bool:
    """Decided with the lines: the structural columns, and any column cell that repeats
    another line (new clients under 18 = the minors line)."""
    return dim in STRUCTURAL or (code, dim) in REPEATING


def equations(report: Report, include: Include, *, lines: bool) -> list[Equation]:
    """Every relation a reader could use to work out a hidden cell from visible ones,
    among the breakdown columns `include` selects (and the lines themselves when
    `lines`)."""
    eqs: list[Equation] = []
    by_code = {line.indicator.code: line for line in report.lines}
    keyed = _keyed(report.lines)
    if lines:
        for total, parts in LINE_SUMS:
            if total in by_code and all(p in by_code for p in parts):
                eqs.append((by_code[total].cell, [by_code[p].cell for p in parts]))
    for total, parts in ADDITIVE:
        # The same breakdown key adds up across the lines (women in 5 = women in 5.1 +
        # 5.2 + 5.3).
        if total not in by_code or not all(p in by_code for p in parts):
            continue
        for dim, cells in keyed[total].items():
            if not include(total, dim) or not all(
                dim in keyed[p] and include(p, dim) for p in parts
            ):
                continue
            for key, cell in cells.items():
                eqs.append((cell, [keyed[p][dim][key] for p in parts if key in keyed[p][dim]]))
    for line in report.lines:
        if not line.indicator.describes_people:
            continue
        for dim, bcs in line.breakdowns.items():
            if include(line.indicator.code, dim):
                eqs.append((line.cell, [bc.cell for bc in bcs]))
    for code, dim, key, other in SAME_FIGURE:
        copy = keyed.get(code, {}).get(dim, {}).get(key)
        if include(code, dim) and copy is not None and other in by_code:
            eqs.append((by_code[other].cell, [copy]))
    for sub, parent, types in SUBLINE_TYPES:
        column = keyed.get(parent, {}).get("service_type", {})
        type_cells = [column[t] for t in types if t in column]
        if include(parent, "service_type") and sub in by_code and type_cells:
            eqs.append((by_code[sub].cell, type_cells))
    return eqs


def _remainders(report: Report, dim: str | None, limit: int) -> list[Equation]:
    """line = sub-line + the rest, where the rest is never shown but is worked out by
    subtraction (incidents − incidents with a protection referral). A rest of 1 to
    limit−1 is a hidden cell of its own, so the line or the sub-line gets hidden too."""
    from .report import Cell

    by_code = {line.indicator.code: line for line in report.lines}
    keyed = _keyed(report.lines)
    pairs: list[tuple[Cell, Cell]] = []
    for whole, part in SUBSETS:
        if whole not in by_code or part not in by_code:
            continue
        if dim is None:
            pairs.append((by_code[whole].cell, by_code[part].cell))
        elif dim in keyed[whole] and dim in keyed[part]:
            part_cells = keyed[part][dim]
            pairs += [(c, part_cells[k]) for k, c in keyed[whole][dim].items() if k in part_cells]
    eqs: list[Equation] = []
    for whole_cell, part_cell in pairs:
        if isinstance(whole_cell.raw, int) and isinstance(part_cell.raw, int):
            rest = Cell(whole_cell.raw - part_cell.raw)
            _primary(rest, limit)
            eqs.append((whole_cell, [part_cell, rest]))
    return eqs


def _settle(eqs: list[Equation], fixed: frozenset[int] = frozenset()) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in eqs:
            changed |= complement(total, parts, fixed)


def suppress(report: Report, limit: int) -> None:
    people = [line for line in report.lines if line.indicator.describes_people]
    # Round 1: the lines and the structural cells, together.
    for line in people:
        _primary(line.cell, limit)
        for dim, bcs in line.breakdowns.items():
            if structural(line.indicator.code, dim):
                for bc in bcs:
                    _primary(bc.cell, limit)
    _settle(equations(report, structural, lines=True) + _remainders(report, None, limit))
    fixed = frozenset(
        id(c)
        for line in report.lines
        for c in [
            line.cell,
            *(
                bc.cell
                for dim, bcs in line.breakdowns.items()
                if structural(line.indicator.code, dim)
                for bc in bcs
            ),
        ]
    )
    # Round 2: each other column on its own, the round-1 cells fixed.
    others = {
        dim
        for line in report.lines
        for dim in line.breakdowns
        if not structural(line.indicator.code, dim)
    }
    for current in sorted(others):

        def include(code: str, dim: str, current: str = current) -> bool:
            return dim == current and not structural(code, dim)

        for line in people:
            if include(line.indicator.code, current):
                for bc in line.breakdowns.get(current, []):
                    _primary(bc.cell, limit)
        _settle(
            equations(report, include, lines=False) + _remainders(report, current, limit), fixed
        )
    by_code = {line.indicator.code: line for line in report.lines}
    for line in report.lines:
        deps = [by_code[d] for d in line.indicator.depends_on if d in by_code]
        if any(d.cell.hidden for d in deps):
            line.cell.hidden = True
