"""Who may see, prepare and review which periodic report. Every page goes through here.

| report | prepared by | reviewed by | seen by |
|---|---|---|---|
| support model | its coordinators | provincial managers of the province | those |
| province | its provincial managers | national managers | those |
| nation | national managers | (nobody above) | national managers |

Anything else answers 404, like a report that does not exist."""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import scope
from accounts.models import Grant, Role, User
from geo.models import Province
from programs.models import SupportModel
from reports import queries as report_queries
from reports.context import NATION, ReportContext, ReportScope
from reports.periods import Period, PeriodError, parse_period

from .models import (
    DRAFT_FIELDS,
    Dhis2Push,
    Level,
    PeriodicReport,
    ReportingDeadline,
    ReportVersion,
    Status,
)

# What a report is for: a support model, a province, or the nation (None).
Unit = SupportModel | Province | None
# The periods reports are submitted for (a custom range is for looking, not reporting).
REPORTING_KINDS = {"month", "quarter", "half", "nine_months", "year"}


def reporting_period(text: str) -> Period:
    period = parse_period(text)
    if period.kind not in REPORTING_KINDS:
        from django.utils.translation import gettext as _

        raise PeriodError(
            _("Periodic reports are for a month, a quarter, six or nine months or a year.")
        )
    return period


def period_of(report: PeriodicReport) -> Period:
    """The report's period with the dates fixed when it was prepared (a later change of
    the cut-off setting does not move a report already begun)."""
    return dataclasses.replace(
        parse_period(report.period_code), start=report.period_start, end=report.period_end
    )


def visible_reports(user: User) -> QuerySet[PeriodicReport]:
    """A report is seen by the unit that prepares it and the level it goes to. A model's
    exact totals go to its province, not to the ministry: national managers see province
    and national reports (and the province figures hold the models')."""
    qs = PeriodicReport.objects.select_related("support_model__province", "province")
    provinces = scope.province_codes(user)
    models = scope.support_model_ids(user)
    visible = (
        Q(level=Level.MODEL, support_model__province_id__in=provinces)
        | Q(level=Level.PROVINCE, province_id__in=provinces)
        | Q(level=Level.MODEL, support_model_id__in=models)
    )
    if scope.is_national(user):
        visible |= Q(level__in=[Level.PROVINCE, Level.NATION])
    return qs.filter(visible)


def get_report(user: User, public_id: UUID) -> PeriodicReport:
    report = visible_reports(user).filter(public_id=public_id).first()
    if report is None:
        raise Http404
    return report


def national_report(user: User, period_code: str) -> PeriodicReport | None:
    return visible_reports(user).filter(level=Level.NATION, period_code=period_code).first()


def versions_of(report: PeriodicReport) -> QuerySet[ReportVersion]:
    """A report's versions, newest first (the report is one `get_report` returned)."""
    return report.versions.select_related("submitted_by", "decided_by")


def get_version(user: User, public_id: UUID, number: int) -> ReportVersion:
    version = versions_of(get_report(user, public_id)).filter(number=number).first()
    if version is None:
        raise Http404
    return version


def pushes_of(report: PeriodicReport) -> QuerySet[Dhis2Push]:
    """The last DHIS2 pushes of a report's versions, newest first."""
    return Dhis2Push.objects.filter(version__report=report).select_related("version", "pushed_by")[
        :20
    ]


def provinces_of(user: User) -> QuerySet[Province]:
    """The provinces the user's grants cover, by name."""
    return Province.objects.filter(pk__in=scope.province_codes(user)).order_by("name")


def can_prepare(user: User, report: PeriodicReport) -> bool:
    if report.level == Level.MODEL:
        return report.support_model_id in scope.support_model_ids(user)
    if report.level == Level.PROVINCE:
        return report.province_id in scope.province_codes(user)
    return scope.is_national(user)


def resent_submission(
    user: User, report: PeriodicReport, narrative: dict[str, Any]
) -> ReportVersion | None:
    """The version this user submitted, when this POST is a resend of that very
    submission (a double tap, the browser's resend): the report is still waiting for
    review and the text sent is the text submitted. None otherwise (other text, someone
    else's submission, a report decided since): the usual "can no longer be changed"."""
    if report.status != Status.SUBMITTED:
        return None
    version = report.versions.order_by("-number").first()
    if version is None or version.submitted_by_id != user.pk:
        return None
    if any(getattr(report, f) != narrative.get(f, getattr(report, f)) for f in DRAFT_FIELDS):
        return None
    return version


def can_review(user: User, report: PeriodicReport) -> bool:
    if report.level == Level.MODEL and report.support_model is not None:
        return report.support_model.province_id in scope.province_codes(user)
    if report.level == Level.PROVINCE:
        return scope.is_national(user)
    return False


def preparable_units(user: User) -> list[tuple[str, Unit]]:
    """(level, unit) the user prepares reports for: their models, provinces, the nation."""
    units: list[tuple[str, Unit]] = []
    if scope.is_national(user):
        units.append((Level.NATION, None))
    for province in provinces_of(user):
        units.append((Level.PROVINCE, province))
    models = SupportModel.objects.filter(pk__in=scope.support_model_ids(user)).order_by("name")
    units += [(Level.MODEL, m) for m in models]
    return units


def unit_for(user: User, level: str, unit_id: str) -> Unit:
    """The unit named by a form, if the user prepares its reports; else 404."""
    for unit_level, unit in preparable_units(user):
        if unit_level != level:
            continue
        if unit is None or str(unit.pk) == str(unit_id):
            return unit
    raise Http404


def reviewers(report: PeriodicReport) -> QuerySet[User]:
    """The users of the level above, who review this report."""
    if report.level == Level.MODEL and report.support_model is not None:
        grants = Grant.objects.filter(
            role=Role.PROVINCIAL_MANAGER, province_id=report.support_model.province_id
        )
    elif report.level == Level.PROVINCE:
        grants = Grant.objects.filter(role=Role.NATIONAL_MANAGER)
    else:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, pk__in=grants.filter(active=True).values("user_id")
    ).order_by("pk")


def preparers(report: PeriodicReport) -> QuerySet[User]:
    if report.level == Level.MODEL:
        grants = Grant.objects.filter(role=Role.COORDINATOR, support_model=report.support_model_id)
    elif report.level == Level.PROVINCE:
        grants = Grant.objects.filter(role=Role.PROVINCIAL_MANAGER, province=report.province_id)
    else:
        grants = Grant.objects.filter(role=Role.NATIONAL_MANAGER)
    return User.objects.filter(
        is_active=True, pk__in=grants.filter(active=True).values("user_id")
    ).order_by("pk")


def unit_context(report: PeriodicReport) -> ReportContext:
    """The report of the unit's own area, as the unit submits it: exact figures (the
    totals a unit sends up are not suppressed, DESIGN.md "Disclosure control")."""
    period = period_of(report)
    if report.level == Level.MODEL:
        model_scope = ReportScope("models", frozenset({report.support_model_id}))
        return report_queries.context_for_scope(
            model_scope, period=period, support_model=report.support_model_id
        )
    if report.level == Level.PROVINCE:
        province_scope = ReportScope("provinces", frozenset({report.province_id}))
        return report_queries.context_for_scope(
            province_scope, period=period, province=report.province_id
        )
    return report_queries.context_for_scope(NATION, period=period)


def live_context(user: User, report: PeriodicReport) -> ReportContext:
    """Today's figures for the report's unit, as this user may see them (suppressed for
    managers, like every live report)."""
    period = period_of(report)
    if report.level == Level.MODEL:
        return report_queries.report_context(
            user, period=period, support_model=report.support_model_id
        )
    if report.level == Level.PROVINCE:
        return report_queries.report_context(user, period=period, province=report.province_id)
    return report_queries.report_context(user, period=period)


def deadline_for(period_code: str, level: str) -> ReportingDeadline | None:
    return ReportingDeadline.objects.filter(period_code=period_code, level=level).first()


def deadlines() -> QuerySet[ReportingDeadline]:
    return ReportingDeadline.objects.select_related("set_by")


def can_push(user: User, report: PeriodicReport) -> bool:
    """National managers send approved province and national reports to DHIS2 (a model's
    figures are inside its province's and are not sent on their own)."""
    return scope.is_national(user) and report.level in {Level.PROVINCE, Level.NATION}
