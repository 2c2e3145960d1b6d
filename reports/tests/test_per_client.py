"""Person breakdowns counted one client at a time (reports.per_client) give every figure,
breakdown and perturbed figure the one-level GROUP BY gives, over the aggregate tables
and over the raw rows, for every scope and role."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import per_client
from reports.aggregated import raw_counts
from reports.context import ReportContext, ReportScope
from reports.periods import parse_period
from reports.queries import report_scope
from reports.report import build_report

from .test_aggregates import _figures

NATION = ReportScope("nation", suppress=True)


def _both(**kw: Any) -> tuple[dict[Any, Any], list[str]]:
    with CaptureQueriesContext(connection) as queries:
        figures = _figures(build_report(ReportContext(**kw)))
    with per_client.one_level():
        assert _figures(build_report(ReportContext(**kw))) == figures
    return figures, [q["sql"] for q in queries.captured_queries if '"_cid"' in q["sql"]]


@pytest.mark.parametrize("raw", [False, True])
def test_per_client_gives_the_figures_of_one_group_by(varied, raw):
    p = parse_period("2024")
    contexts = [
        {"period": p, "scope": NATION},
        {"period": p, "scope": NATION, "province_code": "22"},
        {"period": p, "commune_code": varied.cam_pha.pk},
        {"period": p, "support_model_id": varied.model.pk},
        {"period": p, "peer_group_id": varied.other_group.pk},
        {"period": p, "provider_id": varied.clinic.pk},
        {"period": parse_period("2024-01-01..2025-12-31"), "scope": NATION},
        *(
            {"period": p, "scope": report_scope(getattr(varied, r))}
            for r in ("prov_manager", "coordinator", "provider")
        ),
    ]
    used = []
    for kw in contexts:
        if raw:
            with raw_counts():
                figures, sql = _both(**kw)
        else:
            figures, sql = _both(**kw)
        used += sql
        assert any(v[0] for v in figures.values())
    # Referrals, and persons supported (the tables) or clients contacted (raw rows), use it.
    assert any('FROM "referrals_referral"' in s for s in used)
    table = 'FROM "outreach_outreachcontact"' if raw else 'FROM "reports_persontime"'
    assert any(table in s for s in used)
