"""The aggregate tables (reports.models, kept by database triggers): they equal a recount
of the raw rows after every kind of write, a failed write changes nothing, and a report
counted from them gives every figure, breakdown and perturbed figure the raw rows give."""

from __future__ import annotations

import threading
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from geo.models import CommuneConversion, LegacyCommune
from outreach.models import OutreachContact
from referrals.models import ServiceDelivery
from reports.aggregated import raw_counts
from reports.aggregates import differences, rebuild
from reports.context import ReportContext, ReportScope
from reports.models import (
    ContactDay,
    ContactMonth,
    ContactMonthCount,
    ContactQuarter,
    ContactYear,
    LegacyArea,
    PersonTime,
    PersonTimeType,
)
from reports.periods import half, parse_period, quarter
from reports.queries import report_scope
from reports.report import build_report

from .conftest import _contact, deliveries, make_clients


def _figures(report: Any) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for line in report.lines:
        cells = [(None, None, line.cell)] + [
            (dim, bc.key, bc.cell) for dim, cells in line.breakdowns.items() for bc in cells
        ]
        for dim, key, cell in cells:
            out[(line.indicator.code, dim, key)] = (cell.raw, cell.value, cell.withheld)
    return out


def _same_report(**kw: Any) -> dict[Any, Any]:
    figures = _figures(build_report(ReportContext(**kw)))
    with raw_counts():
        raw = _figures(build_report(ReportContext(**kw)))
    assert figures == raw
    return figures


def test_the_tables_equal_a_recount_after_every_kind_of_write(varied):
    assert differences() == {}
    assert PersonTime.objects.exists() and ContactMonth.objects.exists()
    assert ContactMonthCount.objects.count() < ContactDay.objects.count()
    one = ServiceDelivery.objects.filter(service_type="hiv_test").first()
    one.service_type = "legal_advice"  # edited through save(): moves to another cell
    one.save()
    assert differences() == {}
    ServiceDelivery.objects.filter(service_type="sti_test_treatment").update(
        delivered_on=date(2024, 6, 6)
    )
    ServiceDelivery.objects.filter(provider=varied.legal).update(provider=varied.clinic)
    assert differences() == {}
    ServiceDelivery.objects.filter(delivered_on__month=6).delete()
    one.delete()
    assert differences() == {}
    contact = OutreachContact.objects.filter(client__isnull=False).first()
    contact.commune = varied.cam_pha
    contact.contact_date = date(2024, 2, 28)
    contact.save()
    OutreachContact.objects.filter(client__isnull=True).update(head_count=3)
    OutreachContact.objects.filter(contact_date__month=5).update(client=None)
    OutreachContact.objects.filter(contact_date__month=4).delete()
    assert differences() == {}
    OutreachContact.objects.all().delete()
    ServiceDelivery.objects.all().delete()
    assert differences() == {}
    assert not PersonTime.objects.exists() and not PersonTimeType.objects.exists()
    assert not ContactDay.objects.exists() and not ContactMonth.objects.exists()
    assert not ContactMonthCount.objects.exists()
    assert not ContactQuarter.objects.exists() and not ContactYear.objects.exists()


def test_a_failed_write_changes_no_aggregate(varied):
    before = list(PersonTime.objects.order_by("pk").values())
    contacts = list(ContactDay.objects.order_by("pk").values())
    client = ServiceDelivery.objects.first().client
    with pytest.raises(RuntimeError), transaction.atomic():
        deliveries([(client, "hiv_test", varied.clinic, date(2024, 8, 8))], recorded_by=varied.peer)
        _contact(varied, date(2024, 8, 8), client)
        raise RuntimeError("the process dies half-way")
    assert list(PersonTime.objects.order_by("pk").values()) == before
    assert list(ContactDay.objects.order_by("pk").values()) == contacts


@pytest.mark.parametrize(
    "period",
    ["2024", "2024-03", "2024-02-10..2025-11-20", "Q2", "H2", "2024-01-01..2025-12-31"],
)
def test_a_report_from_the_tables_has_every_figure_of_the_raw_rows(varied, period):
    # Year, quarter and month presence rows: a year, a quarter, six months (two quarters),
    # a month, two whole years; and a range the presence rows cannot give (raw rows).
    p = {"Q2": quarter(2024, 2), "H2": half(2024, 2)}.get(period) or parse_period(period)
    figures = _same_report(period=p)
    assert figures[("pt_health", None, None)][0] > 0
    if period == "2024":
        assert figures[("clients_reached", None, None)][0] == 19
    _same_report(period=p, scope=ReportScope("nation", suppress=True))
    _same_report(period=p, province_code="22", scope=ReportScope("nation", suppress=True))
    _same_report(period=p, commune_code=varied.cam_pha.pk)
    _same_report(period=p, support_model_id=varied.model.pk)
    _same_report(period=p, peer_group_id=varied.other_group.pk)
    _same_report(period=p, provider_id=varied.clinic.pk)


def test_person_breakdowns_count_each_clients_rows_first(varied):
    """The sex, gender, age, province and population group tables of persons supported
    come from one row per client, joined to the client once, with no COUNT(DISTINCT)
    over the rows; every figure and perturbed figure as over the raw rows."""
    with CaptureQueriesContext(connection) as queries:
        _same_report(period=parse_period("2024"), scope=ReportScope("nation", suppress=True))
    per_client = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "reports_persontime"' in q["sql"] and '"_cid"' in q["sql"]
    ]
    assert len(per_client) == 2
    assert all("COUNT(DISTINCT" not in sql and "SUM(DISTINCT" in sql for sql in per_client)
    assert sum('"clients_client_population_groups"' in sql for sql in per_client) == 1


@pytest.mark.parametrize("role", ["prov_manager", "coordinator", "provider"])
def test_each_role_sees_the_same_figures_from_the_tables(varied, role):
    scope = report_scope(getattr(varied, role))
    _same_report(period=parse_period("2024"), scope=scope)


def test_a_saved_record_is_in_the_next_report(varied):
    ctx = lambda: ReportContext(period=parse_period("2024"))  # noqa: E731
    before = build_report(ctx(), codes=["pt_psych", "clients_reached"])
    client = make_clients(1, group=varied.group, commune=varied.ha_long, registered_by=varied.peer)
    deliveries(
        [(client[0], "psych_counselling", varied.clinic, date(2024, 5, 5))], recorded_by=varied.peer
    )
    _contact(varied, date(2024, 5, 5), client[0])
    after = build_report(ctx(), codes=["pt_psych", "clients_reached"])
    assert after.line("pt_psych").cell.raw == before.line("pt_psych").cell.raw + 1
    assert after.line("clients_reached").cell.raw == before.line("clients_reached").cell.raw + 1


def test_the_commands_rebuild_and_find_a_difference(varied):
    PersonTime.objects.filter(pk=PersonTime.objects.first().pk).update(records=99)
    ContactDay.objects.first().delete()
    out = StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command("reports_check_aggregates", stdout=out)
    assert exit.value.code == 1
    assert "reports_persontime" in out.getvalue() and "reports_contactday" in out.getvalue()
    call_command("reports_rebuild_aggregates", stdout=StringIO())
    call_command("reports_check_aggregates", stdout=StringIO())
    assert differences() == {}
    assert rebuild()["reports_persontime"] == PersonTime.objects.count()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write: no race to test"
)
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_the_same_cell_both_count(transactional_db):
    from conftest import build_world

    world = build_world()
    client = make_clients(1, group=world.group, commune=world.ha_long, registered_by=world.peer)[0]
    barrier = threading.Barrier(4)

    def write(i: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                deliveries(
                    [
                        (
                            client,
                            "hiv_test" if i % 2 else "sti_test_treatment",
                            world.clinic,
                            date(2024, 4, 4),
                        )
                    ],
                    recorded_by=world.provider,
                )
                _contact(world, date(2024, 4, 4), client, commune=world.ha_long)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert differences() == {}
    cell = PersonTime.objects.get()
    assert cell.records == 4
    assert ContactDay.objects.get().records == 4
    assert ContactMonth.objects.get().records == 4
    assert ContactQuarter.objects.get().records == 4
    assert ContactYear.objects.get().records == 4


def _legacy(code: str, province: str = "22") -> LegacyCommune:
    return LegacyCommune.objects.create(
        code=code,
        name=f"Xã {code}",
        district_code="193",
        district_name="Huyện",
        province_code=province,
        province_name="Tỉnh",
        search_name=f"xa {code}",
    )


def test_what_a_pre_reform_commune_became_follows_the_conversion_table(varied):
    """LegacyArea: the one new commune and the one province, NULL where there are several
    (as the per-row subquery it replaces said); a change of the table is seen at once."""
    whole, across, unmapped = _legacy("06701"), _legacy("06702"), _legacy("06703")
    CommuneConversion.objects.create(old_commune=whole, new_commune=varied.cam_pha)
    CommuneConversion.objects.create(old_commune=across, new_commune=varied.ha_long)
    CommuneConversion.objects.create(old_commune=across, new_commune=varied.thuan_hoa)
    got = {a.legacy_id: (a.commune_id, a.province_id) for a in LegacyArea.objects.all()}
    assert got == {
        "06700": (None, "22"),  # split between two communes of one province
        "06701": (varied.cam_pha.pk, "22"),
        "06702": (None, None),  # split between two provinces
    }
    assert unmapped.pk not in got
    moved = make_clients(
        2, group=varied.group, province=varied.hue, legacy_commune=across, registered_by=varied.peer
    )
    for c in moved:
        _contact(varied, date(2024, 9, 9), c, legacy_commune=across)
        deliveries([(c, "hiv_test", varied.clinic, date(2024, 9, 9))], recorded_by=varied.peer)
    before = _same_report(period=parse_period("2024"))
    CommuneConversion.objects.filter(old_commune=across, new_commune=varied.thuan_hoa).delete()
    assert LegacyArea.objects.get(legacy=across).province_id == "22"
    after = _same_report(period=parse_period("2024"))
    # Split between two provinces: their own province (46); then it became one of 22's.
    for code, moved_by in (("22", 2), ("46", -2)):
        key = ("persons_supported", "province", code)
        assert after[key][0] == before[key][0] + moved_by
