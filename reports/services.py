"""Writes of the reports app: only the audit entry of an export."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import audit_record

from .context import ReportContext


@transaction.atomic
def report_export(*, actor: Any, ctx: ReportContext, fmt: str, indicators: int) -> None:
    """Record that a report left the system (who, which format, which report)."""
    audit_record(
        actor=actor,
        action="export",
        object_type="reports.report",
        object_id=ctx.period.code,
        changes={
            "format": fmt,
            "period": ctx.period.code,
            "province": ctx.province_code or "",
            "commune": ctx.commune_code or "",
            "support_model": ctx.support_model_id,
            "peer_group": ctx.peer_group_id,
            "provider": ctx.provider_id,
            "scope": ctx.scope.kind,
            "suppressed": ctx.suppress,
            "indicators": indicators,
        },
    )
