"""Counting rules: service date not entry date, areas through the 2025 conversion,
persons de-duplicated over the area, live (no cache)."""

from __future__ import annotations

from datetime import date

from reports.context import ReportContext
from reports.periods import parse_period
from reports.report import build_report

from .conftest import deliveries, make_clients, split_legacy_commune


def _raw(ctx, code, **kw):
    return build_report(ctx, codes=[code], **kw).line(code)


def test_it_counts_persons_once_over_a_province_served_in_two_communes(world):
    """A client recorded under a pre-reform commune that was split between two new wards
    counts in each ward, but once in the province."""
    old = split_legacy_commune(world)
    split = make_clients(
        5, group=world.group, province=world.qn, legacy_commune=old, registered_by=world.peer
    )
    plain = make_clients(2, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries(
        [(c, "hiv_test", world.clinic, date(2024, 2, 1)) for c in split + plain]
        + [(c, "legal_advice", world.legal, date(2024, 2, 2)) for c in split],
        recorded_by=world.provider,
    )
    period = parse_period("2024-Q1")

    def persons(**kw):
        ctx = ReportContext(period=period, **kw)
        return _raw(ctx, "persons_supported", with_breakdowns=False).cell.raw

    province = persons(province_code="22")
    communes = persons(commune_code=world.ha_long.pk) + persons(commune_code=world.cam_pha.pk)
    assert province == 7
    assert communes == 12
    assert province < communes
    assert persons(province_code="46") == 0


def test_it_counts_by_service_date_not_entry_date(world):
    c = make_clients(1, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries([(c[0], "hiv_test", world.clinic, date(2023, 12, 31))], recorded_by=world.provider)
    ctx = ReportContext(period=parse_period("2024"))
    assert _raw(ctx, "pt_all", with_breakdowns=False).cell.raw == 0
    ctx = ReportContext(period=parse_period("2023-12"))
    assert _raw(ctx, "pt_all", with_breakdowns=False).cell.raw == 1


def test_it_counts_one_person_time_per_client_category_provider_and_date(world):
    c = make_clients(1, group=world.group, commune=world.ha_long, registered_by=world.peer)[0]
    on = date(2024, 4, 2)
    deliveries(
        [
            (c, "hiv_test", world.clinic, on),
            (c, "sti_test_treatment", world.clinic, on),  # same category, provider, date
            (c, "hiv_test", world.clinic, on),  # recorded twice
            (c, "hiv_test", world.hue_clinic, on),  # another provider: a second lượt
            (c, "hiv_test", world.clinic, date(2024, 4, 3)),  # another day: a third
            (c, "legal_advice", world.clinic, on),  # another category: its own lượt
        ],
        recorded_by=world.provider,
    )
    report = build_report(ReportContext(period=parse_period("2024-04")), with_breakdowns=False)
    assert report.line("pt_health").cell.raw == 3
    assert report.line("pt_legal").cell.raw == 1
    assert report.line("pt_national").cell.raw == 4
    assert report.line("persons_supported").cell.raw == 1
    assert report.line("pt_health_hiv_test").cell.raw == 3
    assert report.line("pt_health_sti_test_treatment").cell.raw == 1


def test_it_breaks_down_by_age_at_the_service_date(world):
    young = make_clients(
        2, group=world.group, commune=world.ha_long, registered_by=world.peer, birth_year=2007
    )
    older = make_clients(
        1, group=world.group, commune=world.ha_long, registered_by=world.peer, birth_year=1980
    )
    deliveries(
        [(c, "hiv_test", world.clinic, date(2024, 6, 1)) for c in young + older],
        recorded_by=world.provider,
    )
    line = _raw(
        ReportContext(period=parse_period("2024")), "pt_health", with_breakdowns=["age_group"]
    )
    cells = {bc.key: bc.cell.raw for bc in line.breakdowns["age_group"]}
    assert cells == {"lt18": 2, "18_24": 0, "25_34": 0, "35p": 1}


def test_it_is_live_a_record_saved_now_is_in_the_next_report(world):
    from referrals.models import ServiceDelivery

    c = make_clients(1, group=world.group, commune=world.ha_long, registered_by=world.peer)[0]
    ctx_period = parse_period("2024-05")
    first = build_report(ReportContext(period=ctx_period), with_breakdowns=False)
    assert first.line("pt_all").cell.raw == 0
    ServiceDelivery.objects.create(
        client=c,
        service_type="psych_counselling",
        provider=world.clinic,
        delivered_on=date(2024, 5, 20),
        source="walk_in",
        recorded_by=world.provider,
    )
    second = build_report(ReportContext(period=ctx_period), with_breakdowns=False)
    assert second.line("pt_all").cell.raw == 1
    assert second.line("pt_psych").cell.raw == 1
    assert second.line("pt_national").cell.raw == 0


def test_it_parses_every_period_form():
    assert parse_period("2024-03").end == date(2024, 3, 31)
    assert parse_period("2024-Q1").end == date(2024, 3, 31)
    assert parse_period("2024").start == date(2024, 1, 1)
    custom = parse_period("2024-01-01..2024-08-31")
    assert (custom.start, custom.end, custom.kind) == (
        date(2024, 1, 1),
        date(2024, 8, 31),
        "custom",
    )
    assert parse_period("2024-02").end == date(2024, 2, 29)
    assert parse_period("2024-Q1").dhis2 == "2024Q1"
