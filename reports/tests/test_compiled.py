"""Report statements compiled once (reports.compiled): the same report asked again runs
the kept SQL without building a queryset, reads the rows afresh (a record saved is in the
next report), and no two reports that differ in period, area, filter or scope share a
statement."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from reports import compiled
from reports.context import ReportContext, ReportScope
from reports.periods import parse_period
from reports.queries import report_scope
from reports.report import build_report

from .conftest import _contact, deliveries, make_clients
from .test_aggregates import _figures


@pytest.fixture(autouse=True)
def _fresh_statements() -> Any:
    compiled.clear()
    yield
    compiled.clear()


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = SQLCompiler.as_sql

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return calls


def _fresh(**kw: Any) -> dict[Any, Any]:
    """The report's figures built with nothing kept from earlier reports."""
    compiled.clear()
    return _figures(build_report(ReportContext(**kw)))


def test_the_same_report_again_compiles_nothing_and_runs_the_same_sql(varied, monkeypatch):
    ctx = lambda: ReportContext(period=parse_period("2024"))  # noqa: E731
    first = build_report(ctx())
    calls = _compiles(monkeypatch)
    with CaptureQueriesContext(connection) as again:
        second = build_report(ctx())
    assert _figures(second) == _figures(first)
    counted = [q for q in again.captured_queries if "reports_" in q["sql"]]
    assert counted, "the report reads the aggregate tables"
    # Only statements outside the counting engine (the median of days, a few lookups)
    # are compiled again; every count runs its kept SQL.
    assert len(calls) <= 3


def test_a_record_saved_between_two_identical_reports_is_counted(varied):
    ctx = lambda: ReportContext(period=parse_period("2024"))  # noqa: E731
    before = build_report(ctx())
    client = make_clients(
        1,
        group=varied.group,
        commune=varied.ha_long,
        registered_by=varied.peer,
        registered_on=date(2024, 5, 5),
    )
    deliveries(
        [(client[0], "psych_counselling", varied.clinic, date(2024, 5, 5))], recorded_by=varied.peer
    )
    _contact(varied, date(2024, 5, 5), client[0], commune=varied.ha_long)
    after = build_report(ctx())
    for code in ("pt_psych", "persons_supported", "clients_reached", "new_clients"):
        assert after.line(code).cell.raw == before.line(code).cell.raw + 1, code
    assert _figures(after) == _fresh(period=parse_period("2024"))


@pytest.mark.parametrize(
    "variants",
    [
        [{"province_code": "22"}, {"province_code": "46"}, {}],
        [{"period": "2024"}, {"period": "2024-Q2"}, {"period": "2025"}],
        [{"role": "prov_manager"}, {"role": "coordinator"}, {"role": "provider"}, {}],
    ],
    ids=["area", "period", "scope"],
)
def test_reports_that_differ_never_share_a_statement(varied, variants):
    def kwargs(variant: dict[str, Any]) -> dict[str, Any]:
        kw: dict[str, Any] = {"period": parse_period(variant.get("period", "2024"))}
        if "province_code" in variant:
            kw["province_code"] = variant["province_code"]
        if "role" in variant:
            kw["scope"] = report_scope(getattr(varied, variant["role"]))
        return kw

    expected = [_fresh(**kwargs(v)) for v in variants]
    compiled.clear()
    # One after the other with their statements kept, twice over, in both orders.
    for order in (variants, variants[::-1], variants):
        for variant in order:
            got = _figures(build_report(ReportContext(**kwargs(variant))))
            assert got == expected[variants.index(variant)], variant


def test_a_scope_that_reaches_nothing_counts_zero(varied):
    nothing = ReportScope("groups", ids=frozenset({-1}), suppress=False)
    for _ in range(2):
        report = build_report(ReportContext(period=parse_period("2024"), scope=nothing))
        assert report.line("clients_reached").cell.raw == 0
        assert report.line("pt_national").cell.raw == 0


@pytest.mark.parametrize("role", [None, "prov_manager", "coordinator", "provider"])
def test_breakdowns_grouped_together_equal_one_query_each(varied, monkeypatch, role):
    """Sources whose breakdowns one GROUP BY serves (counting._shared_batch) give the
    figures of one query per breakdown, for every breakdown and scope; a breakdown over a
    to-many relation (population group, violence type) keeps its own query."""
    from reports import counting

    kw: dict[str, Any] = {"period": parse_period("2024")}
    if role:
        kw["scope"] = report_scope(getattr(varied, role))
    shared: list[str] = []
    original = counting._shared_groups

    def spy(ctx: Any, source: str, dims: Any) -> Any:
        shared.append(source)
        return original(ctx, source, dims)

    monkeypatch.setattr(counting, "_shared_groups", spy)
    together = _fresh(**kw)
    assert {"referral", "distribution", "activity"} <= set(shared)
    monkeypatch.setattr(counting, "_shared_dimensions", lambda ctx, source: ())
    assert together == _fresh(**kw)


def test_a_distinct_count_of_the_rows_own_id_is_plain_where_no_join_repeats_a_row(varied):
    """COUNT(DISTINCT id) is written COUNT(id) when no to-many join can repeat a row (the
    same number, hashed instead of sorted), never over a to-many join or another column."""
    from django.db.models import Count

    from referrals.models import ServiceDelivery

    def sql_and_rows(qs: Any) -> tuple[str, list[dict[str, Any]]]:
        with CaptureQueriesContext(connection) as queries:
            found = compiled.rows(("plain counts", str(qs.query)), lambda: qs)
        return queries.captured_queries[-1]["sql"], found or []

    deliveries_ = ServiceDelivery.objects.order_by()
    by_provider = deliveries_.values("provider").annotate(n=Count("pk", distinct=True))
    sql, found = sql_and_rows(by_provider)
    assert "DISTINCT" not in sql
    expected = {}
    for d in ServiceDelivery.objects.all():
        expected[d.provider_id] = expected.get(d.provider_id, 0) + 1
    assert {r["provider"]: r["n"] for r in found} == expected and expected
    # A to-many join repeats a delivery once per population group of its client.
    by_group = deliveries_.values("client__population_groups").annotate(
        n=Count("pk", distinct=True)
    )
    assert "COUNT(DISTINCT" in sql_and_rows(by_group)[0]
    clients = deliveries_.values("provider").annotate(n=Count("client", distinct=True))
    assert "COUNT(DISTINCT" in sql_and_rows(clients)[0]


def test_months_are_grouped_by_their_first_day_on_postgresql_and_read_as_text(varied):
    from django.db.models import Count

    from outreach.models import OutreachContact
    from referrals.models import ServiceDelivery
    from reports.dimensions import DIMENSIONS
    from reports.sources import SOURCES

    for model, source in ((ServiceDelivery, "delivery"), (OutreachContact, "contact")):
        month = DIMENSIONS["month"].expr(SOURCES[source])
        qs = compiled.grouped(model.objects.all(), {"n": Count("pk")}, month)
        with CaptureQueriesContext(connection) as queries:
            found = compiled.rows(("months", source), lambda qs=qs: qs)
        assert found and all(len(r["_dim"]) == 7 and r["_dim"][4] == "-" for r in found)
        assert sum(r["n"] for r in found) == model.objects.count()
        sql = queries.captured_queries[-1]["sql"]
        assert ("date_trunc('month'" in sql) == (connection.vendor == "postgresql")
