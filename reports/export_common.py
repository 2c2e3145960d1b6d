"""What every report export shows around its figures: the heading lines (area, filters,
period), the disclosure notes, the main table's column titles and the area tables' rows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from geo.models import Commune, Province
from programs.models import Organisation, PeerGroup, SupportModel

from .report import Cell, Report, disclosure_note, legend


def describe(report: Report) -> list[tuple[str, str]]:
    """(label, value) lines for a report's heading: area, filters, period."""
    ctx = report.ctx
    out: list[tuple[str, str]] = []
    if ctx.commune_code:
        area = str(Commune.objects.select_related("province").get(pk=ctx.commune_code))
    elif ctx.province_code:
        area = str(Province.objects.get(pk=ctx.province_code))
    elif ctx.scope.kind in {"provinces", "models", "groups"}:
        from .queries import scope_provinces

        codes = scope_provinces(ctx.scope) or set()
        area = ", ".join(str(p) for p in Province.objects.filter(pk__in=codes).order_by("name"))
    else:
        area = _("Whole country")
    out.append((_("Area"), area))
    if ctx.scope.kind in {"models", "groups", "providers"}:
        model: Any = {"models": SupportModel, "groups": PeerGroup, "providers": Organisation}[
            ctx.scope.kind
        ]
        names = ", ".join(str(o) for o in model._default_manager.filter(pk__in=ctx.scope.ids))
        out.append((_("Reporting unit"), names))
    if ctx.support_model_id:
        out.append((_("Support model"), str(SupportModel.objects.get(pk=ctx.support_model_id))))
    if ctx.peer_group_id:
        out.append((_("Peer group"), str(PeerGroup.objects.get(pk=ctx.peer_group_id))))
    if ctx.provider_id:
        out.append((_("Provider"), str(Organisation.objects.get(pk=ctx.provider_id))))
    out.append((pgettext("report", "Period"), ctx.period.label))
    return out


def note_lines(report: Report) -> list[str]:
    """The note and the legend as lines of text (CSV, PDF, Excel heading)."""
    if not report.suppressed:
        return []
    return [disclosure_note(), *[f"{m}: {t}" for m, t in legend()]]


def line_headers() -> list[str]:
    return [_("No."), _("Indicator"), _("Unit"), _("Quantity")]


def area_rows(
    report: Report, dim: str
) -> tuple[list[Any], list[tuple[Any, str, list[Cell | None]]]]:
    """An area table (by province, support model, commune): (its indicator lines,
    [(key, area name, a cell per line)]), the parts as rows, the report's totals last
    (key "total"). Cells are matched by key, never by position."""
    lines = [line for line in report.lines if dim in line.breakdowns]
    by_key = [{bc.key: bc.cell for bc in line.breakdowns[dim]} for line in lines]
    keys: list[tuple[Any, str]] = []
    for line in lines:
        for bc in line.breakdowns[dim]:
            if (bc.key, bc.label) not in keys:
                keys.append((bc.key, bc.label))
    rows: list[tuple[Any, str, list[Cell | None]]] = [
        (key, label, [cells.get(key) for cells in by_key]) for key, label in keys
    ]
    rows.append(("total", _("Total"), [line.cell for line in lines]))
    return lines, rows
