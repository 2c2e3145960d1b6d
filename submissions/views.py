"""Pages of the submission workflow. Thin: access through queries (404 when not
yours), writes through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles, scope
from accounts.models import User
from core import pages
from core.forms import apply_errors
from reports.periods import default_period
from reports.report import build_report

from . import dhis2_push as dhis2_push_module
from . import official, official_formats, queries, services
from . import overview as ov
from .forms import DeadlineForm, NarrativeForm, PeriodForm, ReturnForm, StartForm
from .models import Level, PeriodicReport, ReportVersion, Status


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.SUBMITTERS)
    form = PeriodForm(request.GET or {"period": default_period().code})
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        period = form.cleaned_data["period"]
        mine = []
        for level, unit in queries.preparable_units(user):
            if level == Level.NATION:
                report = queries.national_report(user, period.code)
                mine.append(ov.UnitStatus(level, None, report))
            else:
                mine.extend(ov._statuses(period, level, [unit]))
        provinces = queries.provinces_of(user)
        by_province = [(p, ov.province_table(user, p, period)) for p in provinces]
        national = ov.national_table(user, period) if scope.is_national(user) else None
        late = [s for s in mine if s.late]
        late += [r.status for _p, table in by_province for r in table["rows"] if r.status.late]
        if national:
            late += [row.status for row in national["rows"] if row.status.late]
        context.update(
            period=period,
            mine=mine,
            by_province=by_province,
            national=national,
            late=late,
            deadlines={
                level: queries.deadline_for(period.code, level)
                for level in (Level.MODEL, Level.PROVINCE)
            },
            is_national=scope.is_national(user),
        )
    return render(request, "submissions/overview.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    user = scope.require_role(request.user, roles.SUBMITTERS)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("submissions:overview")
    level = form.cleaned_data["level"]
    unit = queries.unit_for(user, level, form.cleaned_data["unit"])
    report = services.report_prepare(
        actor=user, level=level, unit=unit, period=form.cleaned_data["period"]
    )
    return redirect("submissions:detail", public_id=report.public_id)


def _figures(
    user: User, report: PeriodicReport, version: ReportVersion | None
) -> list[dict[str, Any]]:
    live = build_report(queries.live_context(user, report), with_breakdowns=False)
    frozen = version.values() if version else {}
    return [
        {
            "line": line,
            "frozen": frozen.get(line.indicator.code),
            "changed": version is not None
            and not line.cell.withheld
            and frozen.get(line.indicator.code) != line.cell.raw,
        }
        for line in live.lines
    ]


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = scope.require_role(request.user, roles.SUBMITTERS)
    report = queries.get_report(user, public_id)
    may_prepare = queries.can_prepare(user, report)
    narrative = NarrativeForm(initial={f: getattr(report, f) for f in services.DRAFT_FIELDS})
    if request.method == "POST":
        if not may_prepare:
            raise Http404
        narrative = NarrativeForm(request.POST)
        resent = (
            queries.resent_submission(user, report, narrative.cleaned_data)
            if request.POST.get("action") == "submit" and narrative.is_valid()
            else None
        )
        if resent is not None:
            messages.success(
                request, _("Version %(number)s submitted.") % {"number": resent.number}
            )
            return redirect("submissions:detail", public_id=report.public_id)
        if narrative.is_valid():
            try:
                services.report_save_narrative(actor=user, report=report, **narrative.cleaned_data)
                if request.POST.get("action") == "submit":
                    version = services.report_submit(actor=user, report=report)
                    messages.success(
                        request, _("Version %(number)s submitted.") % {"number": version.number}
                    )
                else:
                    messages.success(request, _("Saved."))
                return redirect("submissions:detail", public_id=report.public_id)
            except ValidationError as exc:
                apply_errors(narrative, exc)
        report.refresh_from_db()
    return _report_page(
        request,
        user,
        report,
        narrative=narrative if may_prepare and report.editable else None,
        review=ReturnForm() if _reviewable(user, report) else None,
        can_push=queries.can_push(user, report) and report.status == Status.APPROVED,
        dhis2_configured=bool(dhis2_push_module.configured_url()),
        pushes=queries.pushes_of(report),
        status=400 if narrative.errors else 200,
    )


def _report_page(
    request: HttpRequest, user: User, report: PeriodicReport, *, status: int, **context: Any
) -> HttpResponse:
    """The report's page: its versions, the live figures beside the latest frozen ones,
    its deadline, and what the caller adds (the forms this user may send)."""
    versions = list(queries.versions_of(report))
    latest = versions[0] if versions else None
    return render(
        request,
        "submissions/detail.html",
        {
            "report": report,
            "period": queries.period_of(report),
            "versions": versions,
            "latest": latest,
            "figures": _figures(user, report, latest),
            "deadline": queries.deadline_for(report.period_code, report.level),
            **context,
        },
        status=status,
    )


def _reviewable(user: User, report: PeriodicReport) -> bool:
    return report.status == Status.SUBMITTED and queries.can_review(user, report)


def _report_for(
    request: HttpRequest, public_id: UUID, allowed: Callable[[User, PeriodicReport], bool]
) -> tuple[User, PeriodicReport]:
    """The submitter and the report they act on, 404 unless `allowed` lets them."""
    user = scope.require_role(request.user, roles.SUBMITTERS)
    report = queries.get_report(user, public_id)
    if not allowed(user, report):
        raise Http404
    return user, report


@login_required
@require_POST
def review(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user, report = _report_for(request, public_id, queries.can_review)
    try:
        if request.POST.get("action") == "approve":
            services.report_approve(actor=user, report=report)
            messages.success(request, _("Report approved."))
            return redirect("submissions:detail", public_id=report.public_id)
        form = ReturnForm(request.POST)
        if form.is_valid():
            services.report_return(actor=user, report=report, reason=form.cleaned_data["reason"])
            messages.success(request, _("Report returned for correction."))
            return redirect("submissions:detail", public_id=report.public_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("submissions:detail", public_id=report.public_id)
    return _report_page(request, user, report, narrative=None, review=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def deadlines(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not scope.is_national(user):
        raise Http404
    form = DeadlineForm(request.POST or None)
    done = pages.handle_form(
        request,
        form,
        lambda: services.deadline_set(actor=user, **form.cleaned_data),
        creates=False,
        success=_("Deadline saved."),
        to="submissions:deadlines",
    )
    return done or render(
        request,
        "submissions/deadlines.html",
        {"form": form, "deadlines": queries.deadlines()[:100]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def version_document(request: HttpRequest, public_id: UUID, number: int, fmt: str) -> HttpResponse:
    """A submitted version as an official document (PDF, Word, Excel)."""
    user = scope.require_role(request.user, roles.SUBMITTERS)
    if fmt not in official_formats.FORMATS:
        raise Http404
    version = queries.get_version(user, public_id, number)
    body = official_formats.render(version, fmt)
    services.version_export(actor=user, version=version, fmt=fmt)
    response = HttpResponse(body, content_type=official_formats.FORMATS[fmt])
    name = official.file_stem(version)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def dhis2_push(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user, report = _report_for(request, public_id, queries.can_push)
    try:
        push = services.report_dhis2_push(
            actor=user, report=report, dry_run=request.POST.get("action") != "push"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        level = messages.SUCCESS if push.succeeded else messages.ERROR
        messages.add_message(
            request,
            level,
            _(
                "DHIS2 answered %(status)s: %(imported)s imported, %(updated)s updated, "
                "%(ignored)s ignored, %(conflicts)s conflicts."
            )
            % {
                "status": push.status,
                "imported": push.imported,
                "updated": push.updated,
                "ignored": push.ignored,
                "conflicts": len(push.conflicts),
            },
        )
    return redirect("submissions:detail", public_id=report.public_id)


TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@login_required
@require_http_methods(["GET"])
def table_file(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The by-province (national managers) or by-model (provincial managers of that
    province) table of a period as CSV, Excel or PDF."""
    from django.utils.text import slugify

    from . import tables

    user = scope.require_role(request.user, roles.SUBMITTERS)
    if fmt not in TABLE_TYPES or kind not in {"provinces", "models"}:
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404
    period = form.cleaned_data["period"]
    if kind == "provinces":
        if not scope.is_national(user):
            raise Http404
        table = ov.national_table(user, period)
        unit_label, area, area_slug = _("Province"), _("Whole country"), "toan-quoc"
    else:
        code = request.GET.get("province", "")
        # The models' submitted figures go to their province only (queries.visible_reports).
        province = queries.provinces_of(user).filter(pk=code).first()
        if province is None:
            raise Http404
        table = ov.province_table(user, province, period)
        unit_label, area = _("Support model"), str(province)
        area_slug = slugify(official._ascii(area))
    title = f"{period.title} · {area}"
    if fmt == "csv":
        body = tables.to_csv(table, unit_label)
    elif fmt == "xlsx":
        body = tables.to_xlsx(table, unit_label, title)
    else:
        body = tables.to_pdf(table, unit_label, title)
    services.table_export(actor=user, kind=kind, fmt=fmt, period=period.code, area=area_slug)
    response = HttpResponse(body, content_type=TABLE_TYPES[fmt])
    by = "theo-tinh" if kind == "provinces" else "theo-mo-hinh"
    name = f"bang-{by}_{area_slug}_{period.code.lower()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def export_new(request: HttpRequest, fmt: str) -> HttpResponse:
    """Queue the live report (the filters of the report page, in the query string) as a
    file built in the background."""
    from reports import queries as report_queries
    from reports.forms import ReportFilterForm

    from . import jobs

    if fmt not in jobs.BACKGROUND_FORMATS:
        raise Http404
    user = cast(User, request.user)
    rs = report_queries.report_scope(user)
    if rs is None:
        raise Http404
    form = ReportFilterForm(request.GET, scope=rs)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form, "report": None}, status=400)
    job = jobs.export_request(actor=user, fmt=fmt, filters=form.filters())
    return redirect("submissions:export_job", public_id=job.public_id)


@login_required
def export_job(request: HttpRequest, public_id: UUID) -> HttpResponse:
    from . import jobs

    job = jobs.job_for(cast(User, request.user), public_id)
    return render(request, "submissions/export_job.html", {"job": job})


@login_required
def export_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    from . import jobs

    job = jobs.job_for(cast(User, request.user), public_id)
    return render(request, "submissions/_export_status.html", {"job": job})


@login_required
def export_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    from . import jobs

    job = jobs.job_for(cast(User, request.user), public_id)
    if job.state != job.State.DONE or job.content is None:
        raise Http404
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
