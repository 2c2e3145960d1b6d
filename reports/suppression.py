"""Small-cell suppression for manager reports.

1. Primary: a cell that describes people (người, lượt người, and events that are about
   people: calls, incidents) with a count from 1 to threshold−1 is hidden ("<5").
   Counts of things that are not people (buổi, bản, chiếc, nhóm) are never hidden.
2. Complementary (secondary): wherever cells add up to a total (the three national
   categories, a breakdown row and its indicator's total, …), a single hidden cell
   could be recovered as "total minus the visible cells". So whenever such an
   equation has exactly one hidden cell, the next-smallest non-zero cell is hidden
   too (or the total when no other cell is non-zero). Repeated until nothing changes,
   because equations share cells.
3. Rates and medians are hidden when a count they are computed from is hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .indicators import ADDITIVE

if TYPE_CHECKING:
    from .report import Cell, Report


def _primary(cell: Cell, limit: int) -> None:
    raw = cell.raw
    if isinstance(raw, int) and 0 < raw < limit:
        cell.hidden = True


def complement(total: Cell, parts: list[Cell]) -> bool:
    """Make sure the equation total = Σ parts never has exactly one hidden cell.
    Returns True when it hid something."""
    cells = [total, *parts]
    hidden = [c for c in cells if c.hidden]
    if len(hidden) != 1:
        return False
    candidates = [c for c in parts if not c.hidden and isinstance(c.raw, int) and c.raw > 0]
    if candidates:
        min(candidates, key=lambda c: c.raw or 0).hidden = True
        return True
    if not total.hidden and isinstance(total.raw, int) and total.raw > 0:
        total.hidden = True
        return True
    return False


def equations(report: Report) -> list[tuple[Cell, list[Cell]]]:
    eqs: list[tuple[Cell, list[Cell]]] = []
    by_code = {line.indicator.code: line for line in report.lines}
    for total, parts in ADDITIVE:
        if total in by_code and all(p in by_code for p in parts):
            eqs.append((by_code[total].cell, [by_code[p].cell for p in parts]))
    for line in report.lines:
        if not line.indicator.describes_people:
            continue
        for cells in line.breakdowns.values():
            eqs.append((line.cell, [bc.cell for bc in cells]))
    return eqs


def suppress(report: Report, limit: int) -> None:
    for line in report.lines:
        if not line.indicator.describes_people:
            continue
        _primary(line.cell, limit)
        for cells in line.breakdowns.values():
            for bc in cells:
                _primary(bc.cell, limit)
    eqs = equations(report)
    changed = True
    while changed:
        changed = False
        for total, parts in eqs:
            changed |= complement(total, parts)
    by_code: dict[str, Any] = {line.indicator.code: line for line in report.lines}
    for line in report.lines:
        deps = [by_code[d] for d in line.indicator.depends_on if d in by_code]
        if any(d.cell.hidden for d in deps):
            line.cell.hidden = True
