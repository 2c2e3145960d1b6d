"""Writes of the submission workflow. One function per step, in a transaction, with its
audit entry inside and a notification to the people concerned. Access (who may prepare
or review) is decided by submissions.queries before these are called; these functions
guard the workflow itself (a step from the wrong status is refused)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import User
from audit.services import audit_record
from geo.models import Province
from notifications.services import notify
from programs.models import SupportModel
from reports.export_json import as_dict
from reports.periods import Period
from reports.report import build_report

from . import queries
from .models import (
    DOCUMENT_FIELDS,
    DRAFT_FIELDS,
    NARRATIVE_FIELDS,
    Dhis2Push,
    Level,
    PeriodicReport,
    ReportingDeadline,
    ReportVersion,
    Status,
)
from .narrative import check_narrative
from .queries import Unit


def _unit_fields(level: str, unit: Unit) -> dict[str, Unit]:
    if level == Level.MODEL:
        return {"support_model": unit}
    if level == Level.PROVINCE:
        return {"province": unit}
    return {}


def _url(report: PeriodicReport) -> str:
    return reverse("submissions:detail", args=[report.public_id])


def _title(report: PeriodicReport) -> str:
    with override("vi"):
        return f"{queries.period_of(report).title} · {report.unit_name}"


@transaction.atomic
def report_prepare(*, actor: User, level: str, unit: Unit, period: Period) -> PeriodicReport:
    """The unit's report for the period: the one already begun, or a new draft."""
    fields = _unit_fields(level, unit)
    report = (
        PeriodicReport.objects.select_for_update()
        .filter(level=level, period_code=period.code, **fields)
        .first()
    )
    if report is not None:
        return report
    try:
        with transaction.atomic():  # a savepoint: two users starting at once
            report = PeriodicReport.objects.create(
                level=level,
                period_code=period.code,
                period_start=period.start,
                period_end=period.end,
                created_by=actor,
                **_document_defaults(level, unit),
                **fields,
            )
    except IntegrityError:
        return PeriodicReport.objects.get(level=level, period_code=period.code, **fields)
    audit_record(
        actor=actor,
        action="create",
        obj=report,
        changes={"level": level, "period": period.code, "unit": getattr(unit, "pk", "")},
    )
    return report


def _require_editable(report: PeriodicReport) -> None:
    if not report.editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))


def _document_defaults(level: str, unit: Unit) -> dict[str, str]:
    """A first heading for the document, from the unit: its lead agency and place."""
    province: Province | None
    if level == Level.MODEL and isinstance(unit, SupportModel):
        agency = unit.lead_organisation.name if unit.lead_organisation else unit.name
        province = unit.province
    elif level == Level.PROVINCE and isinstance(unit, Province):
        agency, province = "", unit
    else:
        agency, province = "", None
    place = ""
    if province is not None:
        place = str(province.name).removeprefix("Tỉnh ").removeprefix("Thành phố ")
    return {
        "issuing_agency": agency.upper(),
        "place": place,
        "recipients": "- Như trên;\n- Lưu: VT.",
    }


@transaction.atomic
def report_save_narrative(
    *,
    actor: User,
    report: PeriodicReport,
    results: str,
    difficulties: str,
    recommendations: str,
    **document: str,
) -> PeriodicReport:
    """Save the draft's narrative (checked for client identifiers) and, if given, the
    document heading and signature fields (DOCUMENT_FIELDS)."""
    unknown = set(document) - set(DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    _require_editable(report)
    new = {"results": results, "difficulties": difficulties, "recommendations": recommendations}
    new.update({k: v.strip() for k, v in document.items()})
    # Everything that travels up is checked (the recipients too, the other document
    # fields name agencies and the signer, not clients).
    check_narrative(**{k: v for k, v in new.items() if k in (*NARRATIVE_FIELDS, "recipients")})
    changed = [f for f in DRAFT_FIELDS if f in new and getattr(report, f) != new[f]]
    if changed:
        for name, value in new.items():
            setattr(report, name, value)
        report.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="update", obj=report, changes={"fields": changed})
    return report


def figures_snapshot(report: PeriodicReport) -> dict[str, Any]:
    """The report's JSON for the unit's own area, totals only (no breakdowns)."""
    with override("vi"):
        return as_dict(build_report(queries.unit_context(report), with_breakdowns=False))


@transaction.atomic
def report_submit(
    *, actor: User, report: PeriodicReport, today: date | None = None
) -> ReportVersion:
    """Freeze the figures and the narrative as the next version and send it up."""
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    _require_editable(report)
    check_narrative(**{f: getattr(report, f) for f in NARRATIVE_FIELDS})
    if not report.results.strip():
        raise ValidationError({"results": _("Write the results of the period before submitting.")})
    last = report.versions.order_by("-number").first()
    number = (last.number if last else 0) + 1
    now = timezone.now()
    deadline = queries.deadline_for(report.period_code, report.level)
    today = today or timezone.localdate(now)
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        figures=figures_snapshot(report),
        submitted_by=actor,
        submitted_at=now,
        late=bool(deadline and today > deadline.due_on),
        document={f: getattr(report, f) for f in DOCUMENT_FIELDS},
        **{f: getattr(report, f) for f in NARRATIVE_FIELDS},
    )
    report.status = Status.SUBMITTED
    report.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="submit",
        obj=report,
        changes={"version": number, "period": report.period_code, "late": version.late},
    )
    _tell(
        queries.reviewers(report),
        report,
        "submission.submitted",
        gettext_lazy("Report submitted for review: %(title)s"),
        gettext_lazy("Version %(number)s is waiting for your review."),
        {"number": number},
    )
    return version


def _tell(
    users: Iterable[User],
    report: PeriodicReport,
    kind: str,
    title: Promise,
    body: Promise | str,
    values: dict[str, object] | None = None,
) -> None:
    """Notify each user about the report, in the user's own language: `title` names the
    report as `%(title)s`, `body` is formatted with `values` (a text typed by a person, as
    it is)."""
    name = _title(report)
    for user in users:
        with override(user.language or "vi"):
            notify(
                user=user,
                kind=kind,
                title=title % {"title": name},
                body=str(body) % values if values else str(body),
                url=_url(report),
            )


def _decided(actor: User, report: PeriodicReport, status: str) -> ReportVersion | None:
    """The version `actor` already decided so (`status`): a resend of the same decision,
    answered as the first one was; None otherwise."""
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    version = report.versions.order_by("-number").first()
    if report.status == status and version is not None and version.decided_by_id == actor.pk:
        return version
    return None


def _decide(actor: User, report: PeriodicReport) -> tuple[PeriodicReport, ReportVersion]:
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED or report.level == Level.NATION:
        raise ValidationError(_("Only a submitted report waiting for review can be decided."))
    version = report.versions.select_for_update().order_by("-number").first()
    assert version is not None  # a submitted report has a version
    return report, version


@transaction.atomic
def report_approve(*, actor: User, report: PeriodicReport) -> ReportVersion:
    done = _decided(actor, report, Status.APPROVED)
    if done is not None:
        return done
    report, version = _decide(actor, report)
    _record_decision(actor, report, version, ReportVersion.Decision.APPROVED, Status.APPROVED)
    audit_record(actor=actor, action="approve", obj=report, changes={"version": version.number})
    _tell(
        queries.preparers(report),
        report,
        "submission.approved",
        gettext_lazy("Report approved: %(title)s"),
        gettext_lazy("Version %(number)s was approved."),
        {"number": version.number},
    )
    return version


def _record_decision(
    actor: User, report: PeriodicReport, version: ReportVersion, decision: str, status: str
) -> None:
    version.decision = decision
    version.decided_by, version.decided_at = actor, timezone.now()
    version.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    report.status = status
    report.save(update_fields=["status", "updated_at"])


@transaction.atomic
def report_return(*, actor: User, report: PeriodicReport, reason: str) -> ReportVersion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    check_narrative(reason=reason)
    done = _decided(actor, report, Status.RETURNED)
    if done is not None:
        return done
    report, version = _decide(actor, report)
    version.reason = reason
    _record_decision(actor, report, version, ReportVersion.Decision.RETURNED, Status.RETURNED)
    audit_record(
        actor=actor,
        action="return",
        obj=report,
        changes={"version": version.number},
        reason=reason,
    )
    _tell(
        queries.preparers(report),
        report,
        "submission.returned",
        gettext_lazy("Report returned for correction: %(title)s"),
        reason,
    )
    return version


@transaction.atomic
def deadline_set(*, actor: User, period: Period, level: str, due_on: date) -> ReportingDeadline:
    deadline, created = ReportingDeadline.objects.update_or_create(
        period_code=period.code, level=level, defaults={"due_on": due_on, "set_by": actor}
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=deadline,
        changes={"period": period.code, "level": level, "due_on": due_on.isoformat()},
    )
    return deadline


@transaction.atomic
def version_export(*, actor: User, version: ReportVersion, fmt: str) -> None:
    """Record that an official document of a submitted version left the system."""
    audit_record(
        actor=actor,
        action="export",
        obj=version.report,
        changes={"format": fmt, "version": version.number, "period": version.report.period_code},
    )


def report_dhis2_push(*, actor: User, report: PeriodicReport, dry_run: bool) -> Dhis2Push:
    """Send the approved version's frozen figures to DHIS2 (a trial first: a real send
    needs a trial of the same version that DHIS2 accepted without conflicts). The
    network call is made outside any transaction; its answer is stored and audited."""
    from reports.dhis2 import data_value_set_from_figures, load_mapping

    from . import dhis2_push

    url = dhis2_push.configured_url()
    if not url:
        raise ValidationError(_("No DHIS2 server is configured for this deployment."))
    if report.status != Status.APPROVED or report.level == Level.MODEL:
        raise ValidationError(_("Only an approved province or national report is sent to DHIS2."))
    version = report.versions.order_by("-number").first()
    assert version is not None
    if not dry_run and not version.pushes.filter(dry_run=True).exists():
        raise ValidationError(_("Run a trial (dry run) first."))
    if not dry_run:
        last_trial = version.pushes.filter(dry_run=True).order_by("-pushed_at", "-id").first()
        if last_trial is None or not last_trial.succeeded:
            raise ValidationError(
                _("The last trial was not accepted by DHIS2: correct it and try again first.")
            )
    mapping = load_mapping()
    payload = data_value_set_from_figures(
        version.figures, period=queries.period_of(report), area=report.area_code, mapping=mapping
    )
    answer = dhis2_push.post_data_value_set(
        payload, dry_run=dry_run, id_scheme=str(mapping.get("orgUnitIdScheme", "CODE"))
    )
    with transaction.atomic():
        push = Dhis2Push.objects.create(
            version=version,
            dry_run=dry_run,
            url=url,
            http_status=answer.http_status,
            status=answer.status[:20],
            conflicts=answer.conflicts[:200],
            message=answer.message[:2000],
            summary=answer.body,
            values_sent=len(payload["dataValues"]),
            pushed_by=actor,
            pushed_at=timezone.now(),
            **answer.counts,
        )
        audit_record(
            actor=actor,
            action="export",
            obj=report,
            changes={
                "format": "dhis2-push",
                "dry_run": dry_run,
                "version": version.number,
                "status": push.status,
                "values": push.values_sent,
                "imported": push.imported,
                "updated": push.updated,
                "conflicts": len(push.conflicts),
            },
        )
    return push


@transaction.atomic
def table_export(*, actor: User, kind: str, fmt: str, period: str, area: str) -> None:
    audit_record(
        actor=actor,
        action="export",
        object_type="submissions.table",
        object_id=period,
        changes={"table": kind, "format": fmt, "period": period, "area": area},
    )
