from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.replica import report_reads

from . import queries
from .dhis2 import ReportAreaError
from .dimensions import DIMENSIONS
from .export_common import area_rows, describe
from .exports import CONTENT_TYPES, EXTENSIONS
from .exports import render as render_export
from .forms import ReportFilterForm
from .periods import PeriodError
from .report import (
    BreakdownCell,
    Cell,
    Report,
    applies,
    build_report,
    disclosure_note,
    legend,
    threshold,
)
from .services import report_export

TREND_LINES = ("persons_supported", "pt_national", "outreach_contacts", "clients_reached")
CATEGORY_LINES = ("pt_education", "pt_legal", "pt_health", "pt_psych", "pt_protection")
FUNNEL_LINES = ("referrals_made", "referrals_accepted", "referrals_completed")
# The page counts the totals and the monthly trend at once; each breakdown (by person,
# and the hotline's and incidents' own) is a table loaded on demand (htmx,
# `report_breakdown`), or all of them with ?breakdowns=1 (the link that works without
# JavaScript). Exports always carry every breakdown.
PAGE_DIMENSIONS = ["month"]
BREAKDOWN_SECTIONS: dict[str, list[str]] = {
    "sex": ["sex"],
    "age_group": ["age_group"],
    "population_group": ["population_group"],
    "call_topic": ["call_topic"],
    "call_urgency": ["call_urgency"],
    "violence_type": ["violence_type"],
    "perpetrator": ["perpetrator"],
    # Area tables (only where the report has such parts: reports.dimensions.Dimension.applies):
    # by province in a national report, by support model and commune in a province one.
    "province": ["province"],
    "support_model": ["support_model"],
    "commune": ["commune"],
}
ALL_PAGE_DIMENSIONS = PAGE_DIMENSIONS + [d for dims in BREAKDOWN_SECTIONS.values() for d in dims]


def chart_data(report: Report) -> dict[str, Any]:
    """Data for the page's charts. A withheld value is null with its label in `gaps`
    (drawn as a labelled gap, never as zero); the current month, still running, is
    named in `incomplete` and drawn apart; months still to come are null."""
    by_code = {line.indicator.code: line for line in report.lines}
    today = timezone.localdate()
    current = (today.year, today.month)
    period_months = report.ctx.period.months()
    months = [f"{m:02d}/{y}" for y, m in period_months]
    future = [i for i, ym in enumerate(period_months) if ym > current]
    # Still running until its last day is over: records of today keep arriving.
    incomplete = next((i for i, ym in enumerate(period_months) if ym == current), None)
    series = []
    for code in TREND_LINES:
        line = by_code.get(code)
        if line is None or "month" not in line.breakdowns:
            continue
        data = [bc.cell.chart for bc in line.breakdowns["month"]]
        for i in future:
            data[i] = None
        series.append(
            {
                "label": f"{line.indicator.label} ({line.indicator.unit_obj.label})",
                "data": data,
                "gaps": [
                    i
                    for i, bc in enumerate(line.breakdowns["month"])
                    if bc.cell.withheld and i not in future
                ],
            }
        )

    def pick(codes: tuple[str, ...]) -> dict[str, list[Any]]:
        lines = [by_code[c] for c in codes if c in by_code and by_code[c].cell.raw is not None]
        return {
            "labels": [line.indicator.label for line in lines],
            "data": [line.cell.chart for line in lines],
            "gaps": [i for i, line in enumerate(lines) if line.cell.withheld],
        }

    return {
        "months": months,
        "series": series,
        "categories": pick(CATEGORY_LINES),
        "funnel": pick(FUNNEL_LINES),
        "incomplete": incomplete,
        "future": future,
        "text": {
            "withheld": _("withheld (fewer than %(m)s people)") % {"m": threshold()},
            "incomplete": _("month not over yet"),
            "future": _("not yet"),
        },
    }


def _form_and_context(request: HttpRequest) -> tuple[ReportFilterForm, Any]:
    rs = queries.report_scope(request.user)
    if rs is None:
        raise Http404
    form = ReportFilterForm(request.GET or {"period": ""}, scope=rs)
    if not form.is_valid():
        return form, None
    return form, queries.report_context(request.user, **form.filters())


def _filter_query(request: HttpRequest) -> str:
    """The filters of the request as a query string (without the page's own switches)."""
    params = request.GET.copy()
    params.pop("breakdowns", None)
    return params.urlencode()


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    form, ctx = _form_and_context(request)
    context: dict[str, Any] = {"form": form, "report": None}
    if ctx is not None:
        inline = request.GET.get("breakdowns") == "1"
        with report_reads():
            report = build_report(
                ctx, with_breakdowns=ALL_PAGE_DIMENSIONS if inline else PAGE_DIMENSIONS
            )
        tables = {t["dim"]: t for t in _breakdown_tables(report)} if inline else {}
        context.update(
            report=report,
            heading=describe(report),
            charts=chart_data(report),
            disclosure_note=disclosure_note() if report.suppressed else "",
            legend=legend() if report.suppressed else [],
            query=_filter_query(request),
            inline_breakdowns=inline,
            sections=[
                {
                    "key": key,
                    "label": DIMENSIONS[key].label,
                    "tables": [tables[d] for d in dims if d in tables],
                }
                for key, dims in BREAKDOWN_SECTIONS.items()
                if any(applies(ctx, d) for d in dims)
            ],
        )
    return render(request, "reports/report.html", context)


@login_required
@require_GET
def report_breakdown(request: HttpRequest, section: str) -> HttpResponse:
    """One breakdown section of the report page (htmx partial): same filters, same scope
    checks (404 outside it) and the same suppression as the page."""
    dims = BREAKDOWN_SECTIONS.get(section)
    if dims is None:
        raise Http404
    form, ctx = _form_and_context(request)
    if ctx is None:
        return render(request, "reports/_breakdown.html", {"form": form, "tables": []}, status=400)
    with report_reads():
        report = build_report(ctx, with_breakdowns=list(dims))
    tables = [t for t in _breakdown_tables(report) if t["dim"] in dims]
    return render(request, "reports/_breakdown.html", {"form": form, "tables": tables})


def _area_table(report: Report, dim: str) -> dict[str, Any]:
    """An area table: the parts (provinces, models, communes) as rows, the headline
    indicators as columns, the report's own totals as the last row."""
    lines, rows = area_rows(report, dim)
    return {
        "dim": dim,
        "by_area": True,
        "label": DIMENSIONS[dim].label,
        "lines": lines,
        "area_rows": rows[:-1],
        "totals": rows[-1][2],
    }


def _breakdown_tables(report: Report) -> list[dict[str, Any]]:
    tables: list[dict[str, Any]] = []
    for dim in report.dimensions():
        if dim == "month":
            continue
        lines = [line for line in report.lines if dim in line.breakdowns]
        if not lines:
            continue
        if DIMENSIONS[dim].by_area:
            tables.append(_area_table(report, dim))
            continue
        # Columns by key over every line (a line may have a "not recorded" cell that
        # another has not): a cell is never shown under another column's heading.
        keys: list[tuple[Any, str]] = []
        for line in lines:
            for bc in line.breakdowns[dim]:
                if (bc.key, bc.label) not in keys:
                    keys.append((bc.key, bc.label))
        rows = []
        for line in lines:
            cells = {bc.key: bc for bc in line.breakdowns[dim]}
            rows.append(
                (line, [cells.get(k) or BreakdownCell(k, label, Cell(0)) for k, label in keys])
            )
        tables.append(
            {
                "dim": dim,
                "label": DIMENSIONS[dim].label,
                "columns": [label for _k, label in keys],
                "rows": rows,
            }
        )
    return tables


@login_required
@require_GET
def report_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    form, ctx = _form_and_context(request)
    if ctx is None:
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    with report_reads():
        report = build_report(ctx)
    try:
        with report_reads():
            body = render_export(report, fmt)
    except PeriodError as exc:
        form.add_error("period", str(exc))
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    except ReportAreaError as exc:
        form.add_error("province", str(exc))
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    report_export(actor=request.user, ctx=ctx, fmt=fmt, indicators=len(report.lines))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"bao-cao-{ctx.period.code.replace('..', '_')}"
    if fmt in {"dhis2", "adx"}:
        name += f"-{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{EXTENSIONS[fmt]}"'
    return response
