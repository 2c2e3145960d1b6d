"""Long exports in the background: the live report as Excel or PDF, built by the task
queue (django-q2) with its progress on the page, kept for the user for
CAUNOI_EXPORT_KEEP_HOURS and audited like a direct export.

A job stores only the report's filters (codes and ids, never client data) and its
owner; the worker rebuilds the report as that user (same scope, same suppression) when
it runs. Running a job twice is safe: a finished job is left as it is."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from core.replica import report_reads
from reports import queries as report_queries
from reports.exports import CONTENT_TYPES, EXTENSIONS
from reports.exports import render as render_export
from reports.periods import PeriodError, parse_period
from reports.report import build_report
from reports.services import report_export

from .models import ExportJob

logger = logging.getLogger("caunoi.exports")
BACKGROUND_FORMATS = ("xlsx", "pdf")
FILTERS = ("province", "commune", "support_model", "peer_group", "provider")


def keep_for() -> timedelta:
    return timedelta(hours=int(settings.CAUNOI.get("EXPORT_KEEP_HOURS") or 24))  # type: ignore[call-overload]


@transaction.atomic
def export_request(*, actor: User, fmt: str, filters: dict[str, Any]) -> ExportJob:
    """Queue a background export of the report the user asked for (checked now, so an
    out-of-scope request is refused before anything is queued)."""
    if fmt not in BACKGROUND_FORMATS:
        raise ValueError(fmt)
    report_queries.report_context(actor, **filters)  # 404 outside the user's scope
    params = {"period": filters["period"].code, **{k: filters.get(k) for k in FILTERS}}
    job = ExportJob.objects.create(
        user=actor, fmt=fmt, params=params, expires_at=timezone.now() + keep_for()
    )
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task("submissions.jobs.run_export", job.pk))
    return job


def _set(job: ExportJob, progress: int, step: str, **fields: Any) -> None:
    ExportJob.objects.filter(pk=job.pk).update(progress=progress, step=step, **fields)


def run_export(job_id: int) -> None:
    """The task: count, build the file, store it. Progress is written at each step."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.state in {ExportJob.State.DONE, ExportJob.State.FAILED}:
        return
    with override(job.user.language or "vi"):
        try:
            _set(job, 10, _("Counting the figures"), state=ExportJob.State.RUNNING)
            filters = {k: job.params.get(k) for k in FILTERS}
            ctx = report_queries.report_context(
                job.user, period=parse_period(job.params["period"]), **filters
            )
            with report_reads():  # the replica, if one is configured (core/replica.py)
                report = build_report(ctx)
            _set(job, 60, _("Writing the file"))
            with report_reads():
                body = render_export(report, job.fmt)
            name = f"bao-cao-{ctx.period.code.replace('..', '_')}.{EXTENSIONS[job.fmt]}"
            with transaction.atomic():
                ExportJob.objects.filter(pk=job.pk).update(
                    state=ExportJob.State.DONE,
                    progress=100,
                    step=_("Ready"),
                    content=body,
                    filename=name,
                    content_type=CONTENT_TYPES[job.fmt],
                    finished_at=timezone.now(),
                )
                report_export(actor=job.user, ctx=ctx, fmt=job.fmt, indicators=len(report.lines))
        except (Http404, PeriodError):
            # The user's scope changed since the request: nothing is built.
            _fail(job, _("This report is no longer within your access."))
        except Exception:
            logger.exception("background export failed job=%s", job.pk)
            _fail(job, _("The file could not be built. Try again, or ask the administrator."))


def _fail(job: ExportJob, error: str) -> None:
    _set(job, 100, "", state=ExportJob.State.FAILED, error=error, finished_at=timezone.now())


def exports_cleanup() -> int:
    """Delete the files whose time is up (scheduled hourly; safe to run twice)."""
    deleted, _detail = ExportJob.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def job_for(user: User, public_id: UUID) -> ExportJob:
    job = ExportJob.objects.filter(
        public_id=public_id, user=user, expires_at__gt=timezone.now()
    ).first()
    if job is None:
        raise Http404
    return job
