"""A report's PostgreSQL session: JIT off and work_mem of at least
CAUNOI_REPORT_WORK_MEM_MB during its queries, the session's own settings again after."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.context import ReportContext
from reports.periods import parse_period
from reports.report import build_report, tuned_for_reports

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL session settings"
)


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_report_runs_with_more_work_mem_and_no_jit_then_resets(settings):
    settings.CAUNOI = {**settings.CAUNOI, "REPORT_WORK_MEM_MB": 48}
    before = (_show("work_mem"), _show("jit"))
    with tuned_for_reports():
        assert (_show("work_mem"), _show("jit")) == ("48MB", "off")
    assert (_show("work_mem"), _show("jit")) == before
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
    with tuned_for_reports():
        assert _show("work_mem") == "256MB"  # never below the server's own
    with CaptureQueriesContext(connection) as queries:
        build_report(ReportContext(period=parse_period("2024")))
    assert "set_config('work_mem'" in queries.captured_queries[0]["sql"]
    assert "RESET work_mem" in queries.captured_queries[-1]["sql"]
