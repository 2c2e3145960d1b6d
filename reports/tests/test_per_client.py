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
    tables = (
        ('FROM "outreach_outreachcontact"', 'FROM "referrals_servicedelivery"')
        if raw
        else ('FROM "reports_persontime"', 'FROM "reports_persontimetype"')
    )
    for table in tables:  # the person-times of several service types too
        assert any(table in s for s in used), table


def test_a_key_sum_that_shares_its_figures_condition_keeps_it_per_client(db):
    """A perturbed figure and its record-key sum share one compiled condition
    (perturbation.shared): counted per client, the key sum gets the condition itself."""
    from django.db.models import Count, Q, Sum

    from outreach.models import OutreachContact
    from reports.perturbation import record_key, shared
    from reports.sources import SOURCES

    where = Q(head_count__gt=1)
    figure, key = shared(
        Count("client_id", distinct=True, filter=where),
        Sum(record_key("clients.Client", "client_id"), distinct=True, filter=where),
        "m0",
        "token",
    )
    split = per_client._split(
        OutreachContact.objects.all(), SOURCES["contact"], {"m0": figure, "k0": key}
    )
    assert split is not None
    (inner_figure, _), (inner_key, how) = split["m0"], split["k0"]
    assert inner_figure.filter == where and inner_key.filter == where
    assert how == per_client._DISTINCT_SUM
