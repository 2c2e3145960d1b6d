"""Disclosure control across every report a provincial manager can request (issue 9).

The defects found in the old small-cell suppression, reproduced first:
- large figures shown as "<5" (hidden only to protect another cell);
- rates and medians shown as "<5 %";
- a hidden cell worked out inside one report (the complement gave up);
- hidden cells recovered by differencing reports (province − communes, a quarter −
  its months, a line − a provider's own report).

Then the property: over a dataset with small cells in several communes, providers and
months, every report a provincial manager can ask for (the province, each commune, each
provider, each commune × provider, every month, quarter and the year) is built, and an
attacker who knows the perturbation table and every linear relation between the cells
(sums over communes, providers, months, breakdowns and categories; the same cell in two
reports) narrows each true value as far as those relations allow. No true count of 1–4
is pinned down, and no shown mark misstates a value."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date, datetime, timedelta
from itertools import product
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from directory.models import Service
from geo.models import Commune
from programs.models import Organisation
from referrals.models import Referral
from reports import queries
from reports.indicators import ADDITIVE
from reports.periods import parse_period
from reports.perturbation import _secret, key_of, perturb, preimage, support
from reports.report import WITHHELD, build_report

from .conftest import deliveries, make_clients

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

PEOPLE_CODES = [
    "persons_supported",
    "pt_national",
    "pt_education",
    "pt_loan",
    "pt_legal",
    "pt_health",
    "pt_health_hiv_test",
    "pt_psych",
    "pt_protection",
    "pt_all",
    "referrals_made",
    "referrals_completed",
    "referral_completion_rate",
    "referral_median_days",
]
DIMS = ["sex", "age_group", "month", "category"]
MONTHS = [f"2024-{m:02d}" for m in range(1, 7)]
QUARTERS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
PERIODS = MONTHS + QUARTERS + ["2024"]
# Measures that add up over months and providers (rows and person-times); distinct
# persons add up over communes and client attributes only.
ADDS_OVER_TIME = {
    "pt_national",
    "pt_education",
    "pt_loan",
    "pt_legal",
    "pt_health",
    "pt_health_hiv_test",
    "pt_psych",
    "pt_protection",
    "pt_all",
    "referrals_made",
    "referrals_completed",
}


def _refer(world: Any, clients: list[Any], sent: datetime, completed: int) -> None:
    service, _ = Service.objects.get_or_create(
        organisation=world.clinic, service_type="hiv_test", defaults={"name": "XN HIV"}
    )
    for i, client in enumerate(clients):
        done = i < completed
        Referral.objects.create(
            client=client,
            service=service,
            provider=world.clinic,
            service_type="hiv_test",
            from_kind="peer",
            sender=world.peer,
            reason="XN",
            sent_at=sent,
            status="completed" if done else "sent",
            accepted_at=sent + timedelta(days=1) if done else None,
            completed_at=sent + timedelta(days=2 + i) if done else None,
        )


@pytest.fixture
def small_cells(world: Any) -> Any:
    """Quảng Ninh, January–April 2024: three communes, three providers, small cells
    in each direction a manager can cut (a commune, a provider, a month, men, loans)."""
    w = world
    w.mong_cai = Commune.objects.create(
        code="06700",
        name="Phường Móng Cái 1",
        division_type="phường",
        province=w.qn,
        search_name="phuong mong cai 1 tinh quang ninh",
    )
    w.school = Organisation.objects.create(
        name="Trung tâm dạy nghề Quảng Ninh",
        kind=Organisation.Kind.SERVICE_PROVIDER,
        province=w.qn,
    )

    def people(n: int, commune: Any, **extra: Any) -> list[Any]:
        return make_clients(n, group=w.group, commune=commune, registered_by=w.peer, **extra)

    ha_long = people(30, w.ha_long)
    cam_pha = people(20, w.cam_pha)
    cam_pha_men = people(3, w.cam_pha, sex="M")
    mong_cai = people(3, w.mong_cai)
    items = []
    items += [(c, "hiv_test", w.clinic, date(2024, 1, 10)) for c in ha_long[:10]]
    items += [(c, "hiv_test", w.clinic, date(2024, 2, 10)) for c in ha_long[10:18]]
    items += [(c, "hiv_test", w.clinic, date(2024, 3, 10)) for c in ha_long[18:27]]
    items += [(c, "legal_advice", w.legal, date(2024, 1, 12)) for c in ha_long[:12]]
    items += [(c, "hiv_test", w.clinic, date(2024, 2, 14)) for c in cam_pha[:14]]
    items += [(c, "hiv_test", w.clinic, date(2024, 2, 15)) for c in cam_pha_men]
    items += [(c, "vocational_training", w.school, date(2024, 3, 3)) for c in cam_pha[:6]]
    items += [(c, "loan", w.school, date(2024, 3, 4)) for c in cam_pha[6:8]]
    items += [(c, "hiv_test", w.clinic, date(2024, 2, 20)) for c in mong_cai]
    items += [(ha_long[29], "hiv_test", w.clinic, date(2024, 4, 2))]  # one in April
    deliveries(items, recorded_by=w.provider)
    _refer(w, ha_long[:20], datetime(2024, 1, 8, 9, tzinfo=HCM), completed=13)
    _refer(w, mong_cai, datetime(2024, 2, 18, 9, tzinfo=HCM), completed=2)
    w.communes = [w.ha_long.pk, w.cam_pha.pk, w.mong_cai.pk]
    w.providers = [w.clinic.pk, w.legal.pk, w.school.pk]
    return w


def _report(user: Any, period: str, **filters: Any) -> Any:
    ctx = queries.report_context(user, period=parse_period(period), **filters)
    return build_report(ctx, codes=PEOPLE_CODES, with_breakdowns=DIMS)


def _cells(report: Any) -> dict[tuple[str, str | None, Any], Any]:
    out: dict[tuple[str, str | None, Any], Any] = {}
    for line in report.lines:
        out[(line.indicator.code, None, None)] = line.cell
        for dim, bcs in line.breakdowns.items():
            for bc in bcs:
                out[(line.indicator.code, dim, bc.key)] = bc.cell
    return out


def _shown(report: Any) -> list[str]:
    return [str(c) for c in _cells(report).values()]


# --- The defects found, reproduced ------------------------------------------------------


def test_a_large_figure_is_never_shown_as_fewer_than_five(small_cells: Any, as_user: Any) -> None:
    """Loans 2 inside education 8: the old suppression hid education (8) as "<5"."""
    w = small_cells
    report = _report(w.prov_manager, "2024-03", commune=w.cam_pha.pk)
    education = report.line("pt_education").cell
    assert education.raw == 8
    # Published within the ptable's support of 8 (5–11: which one depends on the records'
    # ids, i.e. on the test order), never as "<5".
    assert isinstance(education.value, int) and education.value in support(8)
    assert min(support(8)) >= 5
    html = as_user(w.prov_manager).get("/reports/", {"period": "2024-Q1"}).content.decode()
    assert "&lt;5" not in html and "<5" not in _shown(report)


def test_rates_and_medians_are_never_shown_as_fewer_than_five(small_cells: Any) -> None:
    w = small_cells
    big = _report(w.prov_manager, "2024-01")
    rate = big.line("referral_completion_rate").cell
    made, done = big.line("referrals_made").cell, big.line("referrals_completed").cell
    # Worked out from the shown counts, so the rate reveals nothing they do not.
    assert rate.value == min(100.0, round(100.0 * done.value / made.value, 1))
    assert big.line("referral_median_days").cell.value == big.line("referral_median_days").cell.raw
    small = _report(w.prov_manager, "2024-02", commune=w.mong_cai.pk)
    for code in ("referral_completion_rate", "referral_median_days"):
        cell = small.line(code).cell
        assert cell.withheld and cell.value is None and str(cell) == WITHHELD
        assert "<" not in str(cell)


def test_a_lone_small_cell_cannot_be_worked_out_inside_one_report(small_cells: Any) -> None:
    """The old leak: a line of 7 whose only non-zero age group is hidden. Now each cell
    is adjusted from its own records: the group and the line do not give each other
    away, and a count of 1–4 is never shown as it is."""
    w = small_cells
    report = _report(w.prov_manager, "2024-02", commune=w.cam_pha.pk)
    line = report.line("pt_health")
    men = {bc.key: bc.cell for bc in line.breakdowns["sex"]}["M"]
    assert men.raw == 3 and men.value in support(3)
    # The same records (3 men in February) give the same figure in every report.
    quarter = _report(w.prov_manager, "2024-Q1", commune=w.cam_pha.pk)
    assert {bc.key: bc.cell for bc in quarter.line("pt_health").breakdowns["sex"]}[
        "M"
    ].value == men.value


def test_the_same_records_give_the_same_figure_in_every_report(small_cells: Any) -> None:
    """Móng Cái's records all fall in February: its quarter, half and year reports
    repeat its February report exactly, so asking again teaches nothing; and February's
    column in the province's quarter is the province's February report."""
    w = small_cells
    feb = _cells(_report(w.prov_manager, "2024-02", commune=w.mong_cai.pk))
    for period in ("2024-Q1", "2024"):
        other = _cells(_report(w.prov_manager, period, commune=w.mong_cai.pk))
        for (code, dim, key), cell in feb.items():
            if dim != "month":
                assert other[(code, dim, key)].value == cell.value, (period, code, dim, key)
    quarter = _report(w.prov_manager, "2024-Q1")
    month = _report(w.prov_manager, "2024-02")
    # Every client here belongs to one peer group of one model: the model's and the
    # group's reports count the province's records, so they show the province's figures.
    province = _cells(month)
    for filters in ({"support_model": w.model.pk}, {"peer_group": w.group.pk}):
        assert _cells(_report(w.prov_manager, "2024-02", **filters)).keys() == province.keys()
        for where, cell in _cells(_report(w.prov_manager, "2024-02", **filters)).items():
            assert cell.value == province[where].value, (filters, where)
    for code in ADDS_OVER_TIME | {"persons_supported"}:
        column = {bc.key: bc.cell for bc in quarter.line(code).breakdowns.get("month", [])}
        if column:
            assert column["2024-02"].value == month.line(code).cell.value, code


def test_record_keys_in_sql_match_their_python_twin(small_cells: Any) -> None:
    from django.db.models import Sum

    from clients.models import Client
    from reports.perturbation import P, record_key

    ids = list(Client.objects.order_by("pk").values_list("pk", flat=True)[:7])
    total = Client.objects.filter(pk__in=ids).aggregate(k=Sum(record_key("clients.Client", "pk")))[
        "k"
    ]
    assert total % P == sum(key_of("clients.Client", i) for i in ids) % P


def test_the_table_never_publishes_a_small_count_and_keeps_zero() -> None:
    for value, key in product(range(0, 40), range(0, 2**31 - 1, 2**31 // 97)):
        shown = perturb(value, key)
        assert not 1 <= shown <= 4
        assert value in preimage(shown)
        if value == 0:
            assert shown == 0
        if 1 <= value <= 4:
            assert shown in (0, 5, 6, 7)
        if value >= 5:
            assert abs(shown - value) <= 2 + -(-value // 10) and shown >= 5


def test_the_table_has_no_edge_that_sums_can_close_on() -> None:
    """The old table's edges: a shown 6 meant "at least 5", a shown 5 "at most 7". Now
    a shown figure allows a range of true values several wide on each side; 96 % of
    figures of 5 or more are within 2, and on average a small count is right."""
    from reports.perturbation import _table

    assert preimage(0) == range(0, 5)
    assert preimage(6).start == 1 and preimage(7).start == 1
    for shown in range(8, 200):
        pre = preimage(shown)
        assert pre.start <= shown - 3 and pre.stop - 1 >= shown + 3, shown
    for value in range(5, 200):
        rows = _table(value, 5)
        probability = dict.fromkeys(range(0, 2 * value + 10), 0.0)
        last = 0.0
        for cumulative, shown in rows:
            probability[shown] += cumulative - last
            last = cumulative
        assert last == pytest.approx(1.0)
        near = sum(p for shown, p in probability.items() if abs(shown - value) <= 2)
        assert near >= 0.96 - 1e-9 or value < 7
    for value in range(1, 5):
        mean = 0.0
        last = 0.0
        for cumulative, shown in _table(value, 5):
            mean += shown * (cumulative - last)
            last = cumulative
        assert mean == pytest.approx(value)


# --- Every output says so, and keeps figures numbers -------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "json", "dhis2"])
def test_every_export_shows_the_published_figures_with_the_note(
    small_cells: Any, as_user: Any, fmt: str
) -> None:
    w = small_cells
    params = {"period": "2024-02", "commune": w.mong_cai.pk}
    report = build_report(
        queries.report_context(
            w.prov_manager, period=parse_period("2024-02"), commune=w.mong_cai.pk
        )
    )
    health = report.line("pt_health").cell
    assert health.raw == 3 and health.value in support(3)
    body = as_user(w.prov_manager).get(f"/reports/export/{fmt}/", params).content
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "<5" not in text and "0 hoặc 5" in text
        rows = list(csv.reader(io.StringIO(text)))
        line = next(r for r in rows if len(r) > 6 and r[1] == "pt_health" and r[4] == "")
        assert line[6] == str(health.value)
        rate = next(r for r in rows if len(r) > 6 and r[1] == "referral_completion_rate")
        assert rate[6] == "" and rate[7] == WITHHELD
    elif fmt == "xlsx":
        wb = load_workbook(io.BytesIO(body))
        main = wb.worksheets[0]
        rows = [[c.value for c in r] for r in main.iter_rows()]
        line = next(r for r in rows if r[0] == "5.3")
        assert line[3] == health.value and isinstance(line[3], int)
        rate = next(r for r in rows if r[0] == "9.3")
        assert rate[3] is None and rate[4] == WITHHELD
        for sheet in wb.worksheets:
            for r in sheet.iter_rows(values_only=True):
                assert "<5" not in r
        legend = wb.worksheets[-1]
        assert any("0 hoặc 5" in str(v) for r in legend.iter_rows(values_only=True) for v in r)
    elif fmt == "pdf":
        assert body.startswith(b"%PDF")
    elif fmt == "json":
        data = json.loads(body)
        entry = next(i for i in data["indicators"] if i["code"] == "pt_health")
        assert entry["value"] == health.value and entry["adjusted"] is True
        assert data["report"]["disclosure"]["method"] == "cell_key"
        entry = next(i for i in data["indicators"] if i["code"] == "referral_completion_rate")
        assert entry["value"] is None and entry["withheld"] is True
    else:
        data = json.loads(body)
        from reports.dhis2 import load_mapping

        element = load_mapping()["dataElements"]["pt_health"]["dataElement"]
        total = next(
            v
            for v in data["dataValues"]
            if v["dataElement"] == element and v["categoryOptionCombo"] == "HllvX50cXC0"
        )
        assert total["value"] == str(health.value)


def test_the_page_says_figures_are_adjusted_and_the_coordinator_sees_them_exact(
    small_cells: Any, as_user: Any
) -> None:
    w = small_cells
    params = {"period": "2024-02"}
    html = as_user(w.prov_manager).get("/reports/", params).content.decode()
    assert 'id="disclosure-note"' in html and "0 hoặc 5" in html
    assert 'id="disclosure-legend"' in html
    coordinator = as_user(w.coordinator).get("/reports/", params).content.decode()
    assert 'id="disclosure-note"' not in coordinator
    found = re.search(r'data-code="pt_health".*?</tr>', coordinator, re.S)
    assert found
    row = found.group(0)
    assert ">28<" in row  # 8 + 14 + 3 + 3 in February: exact for the coordinator


def test_the_excel_month_sheet_holds_numbers_that_sum(small_cells: Any, as_user: Any) -> None:
    w = small_cells
    body = as_user(w.prov_manager).get("/reports/export/xlsx/", {"period": "2024-Q1"}).content
    wb = load_workbook(io.BytesIO(body))
    sheet = next(s for s in wb.worksheets if s.title in ("Tháng", "Month"))
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "STT")
    for r in rows[rows.index(header) + 1 :]:
        months = r[3 : len(header) - 2]
        assert all(isinstance(v, int | float) for v in months), r
        assert isinstance(r[len(header) - 2], int | float)


def test_the_chart_marks_the_current_month_incomplete(world: Any, as_user: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    html = as_user(world.prov_manager).get("/reports/", {"period": str(today.year)}).content
    found = re.search(rb'id="report-charts"[^>]*>(.*?)</script>', html, re.S)
    assert found
    charts = json.loads(found.group(1))
    assert charts["incomplete"] == today.month - 1
    assert charts["text"]["incomplete"] == "tháng chưa kết thúc"
    assert charts["future"] == list(range(today.month, 12))
    for series in charts["series"]:
        assert all(series["data"][i] is None for i in charts["future"])


# --- The property: nothing solvable across every report a manager can request -----------


def _requests(w: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for period in PERIODS:
        out.append({"period": period})
        out += [{"period": period, "commune": c} for c in w.communes]
        out += [{"period": period, "provider": p} for p in w.providers]
    for period in ("2024-Q1", "2024-02", "2024-03"):
        out += [
            {"period": period, "commune": c, "provider": p}
            for c, p in product(w.communes, w.providers)
        ]
    return out


def _name(req: dict[str, Any]) -> tuple[str, str | None, int | None]:
    return (req["period"], req.get("commune"), req.get("provider"))


Var = tuple[Any, ...]
Published = dict[tuple[str, str | None, int | None], dict[tuple[str, str | None, Any], Any]]


def _collect(w: Any) -> Published:
    """Every report a provincial manager can request: {report: {cell: (true, shown)}}
    for the counts of people, after checking that no mark misstates a value."""
    out: Published = {}
    for req in _requests(w):
        period = req.pop("period")
        report = _report(w.prov_manager, period, **req)
        cells = out[(period, req.get("commune"), req.get("provider"))] = {}
        for (code, dim, key), cell in _cells(report).items():
            text = str(cell)
            assert "<" not in text
            if cell.withheld:
                dep = report.line(
                    "referrals_made" if "rate" in code else "referrals_completed"
                ).cell
                assert text == WITHHELD and dep.raw < 5
            elif cell.perturbed and isinstance(cell.raw, int):
                assert not 1 <= cell.value <= 4
                assert cell.raw in preimage(cell.value)
                if 1 <= cell.raw <= 4:
                    assert cell.value != cell.raw
                cells[(code, dim, key)] = (cell.raw, cell.value)
    return out


def _relations(w: Any, reports: Published, known: set[Var]) -> tuple[list[Any], list[Any]]:
    """What an attacker knows holds between the cells, whatever the records:
    (sums: total = Σ parts, covers: each part ≤ total ≤ Σ parts)."""
    sums: list[tuple[Var, list[Var]]] = []
    covers: list[tuple[Var, list[Var]]] = []

    def rel(total: Var, parts: list[Var], into: list[Any] = sums) -> None:
        if total in known and all(p in known for p in parts):
            into.append((total, parts))

    for rname, cells in reports.items():
        period, commune, provider = rname
        keys = set(cells)
        for code, dim, _key in keys:
            # A line is the sum of a breakdown that splits its records.
            if dim is None:
                for split in ("sex", "age_group", "month", "category"):
                    if split == "month" and code not in ADDS_OVER_TIME:
                        continue
                    parts = [(rname, c, d, k) for (c, d, k) in keys if c == code and d == split]
                    if parts:
                        rel((rname, code, None, None), parts)
        for total_code, part_codes in ADDITIVE:
            for c, dim, key in keys:
                if c == total_code:
                    rel((rname, c, dim, key), [(rname, p, dim, key) for p in part_codes])
        for code, dim, key in keys:
            cell_id = (code, dim, key)
            # The province is the sum of its communes (every client lives in one).
            if commune is None:
                rel((rname, *cell_id), [((period, c, provider), *cell_id) for c in w.communes])
            # A provider's records split person-times and referrals; a person served
            # by two providers counts once in the whole, once in each provider.
            if provider is None:
                into = sums if code in ADDS_OVER_TIME else covers
                rel(
                    (rname, *cell_id), [((period, commune, p), *cell_id) for p in w.providers], into
                )
            # A quarter is its months, the year its quarters (people: each at most once
            # in the whole, at least once in some part).
            if dim != "month":
                into = sums if code in ADDS_OVER_TIME else covers
                if "Q" in period:
                    q = int(period[-1])
                    months = [f"2024-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]
                    rel(
                        (rname, *cell_id),
                        [((m, commune, provider), *cell_id) for m in months],
                        into,
                    )
                if period == "2024":
                    quarters = [((q, commune, provider), *cell_id) for q in QUARTERS]
                    rel((rname, *cell_id), quarters, into)
            # A month column is that month's own report.
            if dim == "month":
                rel(((key, commune, provider), code, None, None), [(rname, *cell_id)])
                rel((rname, *cell_id), [((key, commune, provider), code, None, None)])
    return sums, covers


def _propagate(bounds: dict[Var, list[int]], sums: list[Any], covers: list[Any]) -> None:
    """Narrow every interval as far as the relations allow, to a fixed point."""
    for _round in range(200):
        changed = False
        for total, parts in sums:
            t = bounds[total]
            lo = sum(bounds[p][0] for p in parts)
            hi = sum(bounds[p][1] for p in parts)
            if lo > t[0] or hi < t[1]:
                t[0], t[1] = max(t[0], lo), min(t[1], hi)
                changed = True
            for p in parts:
                b = bounds[p]
                new = (max(b[0], t[0] - (hi - b[1])), min(b[1], t[1] - (lo - b[0])))
                if new != (b[0], b[1]):
                    lo, hi = lo + new[0] - b[0], hi + new[1] - b[1]
                    b[0], b[1] = new
                    changed = True
        for total, parts in covers:
            t = bounds[total]
            new = (
                max([t[0]] + [bounds[p][0] for p in parts]),
                min(t[1], sum(bounds[p][1] for p in parts)),
            )
            if new != (t[0], t[1]):
                t[0], t[1] = new
                changed = True
            hi = sum(bounds[p][1] for p in parts)
            for p in parts:
                b = bounds[p]
                new = (max(b[0], t[0] - (hi - b[1])), min(b[1], t[1]))
                if new != (b[0], b[1]):
                    hi += new[1] - b[1]
                    b[0], b[1] = new
                    changed = True
        if not changed:
            return
    raise AssertionError("no fixed point")


def _attack(w: Any, reports: Published) -> list[Var]:
    """The true counts of 1–4 an attacker pins down exactly: one who knows the table
    (every true value a shown figure can stand for) and every relation above."""
    bounds: dict[Var, list[int]] = {}
    truth: dict[Var, int] = {}
    for rname, cells in reports.items():
        for cell_id, (raw, shown) in cells.items():
            pre = preimage(shown)
            bounds[(rname, *cell_id)] = [pre.start, pre.stop - 1]
            truth[(rname, *cell_id)] = raw
    sums, covers = _relations(w, reports, set(bounds))
    assert len(sums) > 500 and len(covers) > 50
    # Sanity: the relations hold for the true values (they are what an attacker knows).
    for total, parts in sums:
        assert truth[total] == sum(truth[p] for p in parts), (total, parts)
    for total, parts in covers:
        assert max(truth[p] for p in parts) <= truth[total] <= sum(truth[p] for p in parts)
    _propagate(bounds, sums, covers)
    for v in truth:
        assert bounds[v][0] <= truth[v] <= bounds[v][1]
    small = [v for v, n in truth.items() if 1 <= n <= 4]
    assert len(small) > 50
    return [v for v in small if bounds[v][0] == bounds[v][1]]


def test_no_small_count_is_solvable_from_every_report_a_manager_can_request(
    small_cells: Any, monkeypatch: Any
) -> None:
    """With the deployment's secret; and with CAUNOI_TEST_CELL_KEY_SECRETS=N, also with
    N other secrets (record keys, so every cell key, change with the secret)."""
    w = small_cells
    reports = _collect(w)
    assert _attack(w, reports) == []
    extra = int(os.environ.get("CAUNOI_TEST_CELL_KEY_SECRETS") or 0)
    if extra:
        draws = _KeyDraws(w, monkeypatch)
        assert draws.published(_secret()) == reports  # the twin computes the real keys
        pinned = {}
        for i in range(extra):
            secret = f"test-secret-{i}"
            solved = _attack(w, draws.published(secret))
            if solved:
                pinned[secret] = solved
        assert pinned == {}


class _KeyDraws:
    """The reports' cells under any secret without building them again: a record key
    is (a·id + b)(c·id + d) mod P, so a cell's key sum is a·c·Σid² + (a·d + b·c)·Σid +
    b·d·n mod P. The reports are built twice with record keys id and id² + 2⁴⁰ (no
    modulus; exact sums over the same distinct records), which gives Σid, Σid², n."""

    SHIFT = 2**40

    def __init__(self, w: Any, monkeypatch: Any) -> None:
        from django.db.models import BigIntegerField, F, Func

        from reports import perturbation
        from reports import report as report_module
        from reports.indicators import BY_CODE
        from reports.sources import SOURCES

        self.w = w
        self.salts: dict[str, str] = {}
        for code in PEOPLE_CODES:
            m = BY_CODE[code].measure
            if m is not None:
                client = m.how == "distinct" and m.path == "client_id"
                self.salts[code] = "clients.Client" if client else SOURCES[m.source].model
        # Every row, also those left out when published as 0 (decided in `published`).
        monkeypatch.setattr(report_module, "perturb", lambda value, key: value)
        builds = []
        for template in (
            "(%(expressions)s)",
            f"((%(expressions)s) * (%(expressions)s) + {self.SHIFT})",
        ):

            def key(salt: str, path: str, template: str = template) -> Any:
                expr = Func(F(path), template=template, output_field=BigIntegerField())
                return expr

            monkeypatch.setattr(perturbation, "record_key", key)
            builds.append(self._build())
        monkeypatch.undo()
        self.ids, self.squares = builds

    def _build(self) -> dict[Any, dict[Any, tuple[int, int, bool]]]:
        out: dict[Any, dict[Any, tuple[int, int, bool]]] = {}
        for req in _requests(self.w):
            period = req.pop("period")
            report = _report(self.w.prov_manager, period, **req)
            cells = out[(period, req.get("commune"), req.get("provider"))] = {}
            for line in report.lines:
                if line.cell.key is not None:
                    cells[(line.indicator.code, None, None)] = (line.cell.raw, line.cell.key, False)
                for dim, bcs in line.breakdowns.items():
                    for bc in bcs:
                        if bc.cell.key is None:
                            continue
                        cell_id = (line.indicator.code, dim, bc.key)
                        cells[cell_id] = (bc.cell.raw, bc.cell.key, bc.counted_only)
        return out

    def published(self, secret: str) -> Published:
        from reports.perturbation import P, _coefficients

        out: Published = {}
        for rname, cells in self.ids.items():
            out[rname] = {}
            for cell_id, (raw, ids, counted_only) in cells.items():
                n, squares = divmod(self.squares[rname][cell_id][1], self.SHIFT)
                a, b, c, d = _coefficients(secret, self.salts[cell_id[0]])
                shown = perturb(raw, (a * c * squares + (a * d + b * c) * ids + b * d * n) % P)
                if not (counted_only and shown == 0):
                    out[rname][cell_id] = (raw, shown)
        return out
