from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import queries
from .exports import CONTENT_TYPES, EXTENSIONS, describe
from .exports import render as render_export
from .forms import ReportFilterForm
from .periods import PeriodError
from .report import Report, build_report
from .services import report_export

TREND_LINES = ("persons_supported", "pt_national", "outreach_contacts", "clients_reached")
CATEGORY_LINES = ("pt_education", "pt_legal", "pt_health", "pt_psych", "pt_protection")
FUNNEL_LINES = ("referrals_made", "referrals_accepted", "referrals_completed")
PAGE_DIMENSIONS = ["month", "sex", "age_group", "population_group"]


def chart_data(report: Report) -> dict[str, Any]:
    """Data for the page's charts. Hidden cells are null: a chart never carries them."""
    by_code = {line.indicator.code: line for line in report.lines}
    months = [f"{m:02d}/{y}" for y, m in report.ctx.period.months()]
    series = []
    for code in TREND_LINES:
        line = by_code.get(code)
        if line is None or "month" not in line.breakdowns:
            continue
        series.append(
            {
                "label": f"{line.indicator.label} ({line.indicator.unit_obj.label})",
                "data": [bc.cell.chart for bc in line.breakdowns["month"]],
            }
        )

    def pick(codes: tuple[str, ...]) -> dict[str, list[Any]]:
        lines = [by_code[c] for c in codes if c in by_code and by_code[c].cell.raw is not None]
        return {
            "labels": [line.indicator.label for line in lines],
            "data": [line.cell.chart for line in lines],
        }

    return {
        "months": months,
        "series": series,
        "categories": pick(CATEGORY_LINES),
        "funnel": pick(FUNNEL_LINES),
    }


def _form_and_context(request: HttpRequest) -> tuple[ReportFilterForm, Any]:
    rs = queries.report_scope(request.user)
    if rs is None:
        raise Http404
    form = ReportFilterForm(request.GET or {"period": ""}, scope=rs)
    if not form.is_valid():
        return form, None
    return form, queries.report_context(request.user, **form.filters())


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    form, ctx = _form_and_context(request)
    context: dict[str, Any] = {"form": form, "report": None}
    if ctx is not None:
        report = build_report(ctx, with_breakdowns=PAGE_DIMENSIONS)
        context.update(
            report=report,
            heading=describe(report),
            charts=chart_data(report),
            query=request.GET.urlencode(),
            breakdown_tables=_breakdown_tables(report),
        )
    return render(request, "reports/report.html", context)


def _breakdown_tables(report: Report) -> list[dict[str, Any]]:
    from .engine import DIMENSIONS

    tables = []
    for dim in report.dimensions():
        if dim == "month":
            continue
        lines = [line for line in report.lines if dim in line.breakdowns]
        if not lines:
            continue
        columns = [bc.label for bc in lines[0].breakdowns[dim]]
        tables.append(
            {
                "label": DIMENSIONS[dim].label,
                "columns": columns,
                "rows": [(line, line.breakdowns[dim]) for line in lines],
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
    report = build_report(ctx)
    try:
        body = render_export(report, fmt)
    except PeriodError as exc:
        form.add_error("period", str(exc))
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    report_export(actor=request.user, ctx=ctx, fmt=fmt, indicators=len(report.lines))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"bao-cao-{ctx.period.code.replace('..', '_')}"
    if fmt == "dhis2":
        name += "-dhis2"
    response["Content-Disposition"] = f'attachment; filename="{name}.{EXTENSIONS[fmt]}"'
    return response
