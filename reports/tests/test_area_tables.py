"""The report page's area tables: by province in a national report (national manager),
by support model and by commune in a province report (provincial manager,
coordinator). Every province, model or commune is a row, the headline indicators are
the columns; the counts of people go through the cell key method like every other
cell, so a row shows what that area's own report shows; one grouped query per source
and table, however many rows."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo.models import Commune, CommuneConversion, LegacyCommune, Province
from programs.models import PeerGroup, SupportModel
from reports import queries
from reports.dimensions import DIMENSIONS
from reports.indicators import HEADLINE
from reports.periods import parse_period
from reports.perturbation import reach, support
from reports.report import build_report

from .conftest import deliveries, make_clients

MARCH = {"period": "2024-03"}


@pytest.fixture
def areas(world):
    """March 2024: 12 clients tested in Hạ Long (model), 3 in Cẩm Phả (other model),
    8 in Thuận Hóa (Huế); 2 more in Cẩm Phả recorded under their pre-reform commune."""
    w = world
    w.ha_long_clients = make_clients(12, group=w.group, commune=w.ha_long, registered_by=w.peer)
    w.cam_pha_clients = make_clients(
        3, group=w.other_group, commune=w.cam_pha, registered_by=w.peer
    )
    old = LegacyCommune.objects.create(
        code="99001",
        name="Phường Cẩm Thành",
        district_code="195",
        district_name="Thành phố Cẩm Phả",
        province_code="22",
        province_name="Tỉnh Quảng Ninh",
    )
    CommuneConversion.objects.create(old_commune=old, new_commune=w.cam_pha, note="whole")
    w.legacy_clients = make_clients(
        2, group=w.other_group, registered_by=w.peer, province=w.qn, legacy_commune=old
    )
    w.hue_clients = make_clients(8, group=w.hue_group, commune=w.thuan_hoa, registered_by=w.peer)
    deliveries(
        [
            (c, "hiv_test", w.clinic, date(2024, 3, 5))
            for c in w.ha_long_clients + w.cam_pha_clients + w.legacy_clients
        ]
        + [(c, "hiv_test", w.hue_clinic, date(2024, 3, 7)) for c in w.hue_clients],
        recorded_by=w.provider,
    )
    return w


def _table(html: str, dim: str) -> str:
    match = re.search(rf'<table data-breakdown="{dim}" class="by-area">.*?</table>', html, re.S)
    assert match, f"no {dim} table"
    return match.group(0)


def _row(table: str, key: object) -> list[str]:
    row = re.search(rf'<tr data-key="{key}"[^>]*>(.*?)</tr>', table, re.S)
    assert row, f"no row {key}"
    return re.findall(r'<td class="num">(.*?)</td>', row.group(1))


def _column(table: str, code: str) -> int:
    heads = re.findall(r'<th scope="col" class="num" data-code="([^"]+)"', table)
    return heads.index(code)


def _published(user, code, **area):
    ctx = queries.report_context(user, period=parse_period("2024-03"), **area)
    return str(build_report(ctx, codes=[code], with_breakdowns=False).line(code).cell)


def test_it_shows_the_national_manager_every_province_as_a_row(areas, as_user):
    w = areas
    html = as_user(w.nat_manager).get("/reports/", {**MARCH, "breakdowns": "1"}).content.decode()
    table = _table(html, "province")
    assert "by-support_model" not in html and "by-commune" not in html
    for province in Province.objects.all():
        assert f'data-key="{province.pk}"' in table
    col = _column(table, "persons_supported")
    # The same records, the same published figure as each province's own report.
    for province in (w.qn, w.hue):
        shown = _row(table, province.pk)[col]
        assert shown == _published(w.nat_manager, "persons_supported", province=province.pk)
    assert _row(table, "total")[col] == _published(w.nat_manager, "persons_supported")
    # Perturbed like every manager's count: 17 and 8, within 2, never below 5.
    assert abs(int(_row(table, w.qn.pk)[col]) - 17) <= reach(17)
    assert abs(int(_row(table, w.hue.pk)[col]) - 8) <= reach(8)
    assert set(re.findall(r'data-code="([^"]+)"', table)) == set(HEADLINE)


def test_the_province_table_costs_one_query_per_source_however_many_provinces(areas, as_user):
    w = areas
    client = as_user(w.nat_manager)

    def count(section: str = "province") -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/reports/breakdown/{section}/", MARCH)
        assert response.status_code == 200
        sqls = [q["sql"] for q in ctx.captured_queries]
        grouped = [q for q in sqls if 'THEN "geo_commune"."province_id"' in q]
        return len(sqls), len(grouped)

    count()  # the first request of a session writes its last-seen time; not counted
    before, grouped = count()
    for i in range(5):
        p = Province.objects.create(code=f"9{i}", name=f"Tỉnh Thử {i}", search_name=f"thu {i}")
        commune = Commune.objects.create(
            code=f"990{i}0", name=f"Xã Thử {i}", division_type="xã", province=p, search_name="x"
        )
        model = SupportModel.objects.create(
            name=f"Mô hình {i}",
            kind=SupportModel.Kind.PEER_CAPACITY,
            province=p,
            start_date=date(2019, 1, 1),
        )
        group = PeerGroup.objects.create(name=f"Nhóm {i}", support_model=model)
        people = make_clients(6, group=group, commune=commune, registered_by=w.peer)
        deliveries(
            [(c, "hiv_test", w.clinic, date(2024, 3, 9)) for c in people], recorded_by=w.provider
        )
    assert count() == (before, grouped)
    # One grouped query per table of its indicators (person-times, contacts per day,
    # persons reached per month: reports.aggregated; referrals) and one for the
    # provinces' names, beside what any breakdown section costs.
    assert grouped == 4
    sex_section, _ = count("sex")
    assert before <= sex_section + 4


def test_a_provincial_manager_gets_models_and_communes_of_the_province_only(areas, as_user):
    w = areas
    client = as_user(w.prov_manager)
    html = client.get("/reports/", {**MARCH, "breakdowns": "1"}).content.decode()
    assert 'data-breakdown="province"' not in html
    communes = _table(html, "commune")
    models = _table(html, "support_model")
    assert w.thuan_hoa.pk not in communes and w.hue_model.name not in models
    col = _column(communes, "persons_supported")
    assert _row(communes, w.ha_long.pk)[col] == _published(
        w.prov_manager, "persons_supported", commune=w.ha_long.pk
    )
    # 3 + 2 (pre-reform commune) in Cẩm Phả, as Cẩm Phả's own report counts them.
    assert _row(communes, w.cam_pha.pk)[col] == _published(
        w.prov_manager, "persons_supported", commune=w.cam_pha.pk
    )
    assert _row(models, w.other_model.pk)[col] == _published(
        w.prov_manager, "persons_supported", support_model=w.other_model.pk
    )
    assert abs(int(_row(models, w.model.pk)[col]) - 12) <= reach(12)
    # Outside the province: refused (404) like every other filter.
    assert client.get("/reports/", {**MARCH, "province": w.hue.pk}).status_code == 404
    assert (
        client.get("/reports/breakdown/commune/", {**MARCH, "commune": w.thuan_hoa.pk}).status_code
        == 404
    )
    # No national table for a provincial manager, even when asked for.
    partial = client.get("/reports/breakdown/province/", MARCH).content.decode()
    assert 'data-breakdown="province"' not in partial


def test_small_counts_in_a_commune_row_show_as_0_or_5_to_7(world, as_user):
    w = world
    people = make_clients(3, group=w.other_group, commune=w.cam_pha, registered_by=w.peer)
    deliveries(
        [(c, "hiv_test", w.clinic, date(2024, 3, 5)) for c in people], recorded_by=w.provider
    )
    html = as_user(w.prov_manager).get("/reports/breakdown/commune/", MARCH).content.decode()
    table = _table(html, "commune")
    row = _row(table, w.cam_pha.pk)
    assert row[_column(table, "persons_supported")] in {str(v) for v in support(3)}
    assert "3" not in row
    # Hạ Long, with nobody, is a row too (a row only where someone was counted would
    # tell a hidden 1 to 4 from a true 0).
    assert set(_row(table, w.ha_long.pk)) == {"0"}


def test_a_coordinator_sees_exact_figures_of_the_model_by_commune(areas, as_user):
    w = areas
    html = as_user(w.coordinator).get("/reports/breakdown/commune/", MARCH).content.decode()
    table = _table(html, "commune")
    col = _column(table, "persons_supported")
    assert _row(table, w.ha_long.pk)[col] == "12"
    assert _row(table, w.cam_pha.pk)[col] == "0"  # the other model's clients


def test_every_export_carries_the_area_tables(areas, as_user):
    w = areas
    client = as_user(w.nat_manager)
    ctx = queries.report_context(w.nat_manager, period=parse_period("2024-03"), province=w.qn.pk)
    qn_persons = (
        build_report(ctx, codes=["persons_supported"], with_breakdowns=False)
        .line("persons_supported")
        .cell.value
    )

    data = json.loads(client.get("/reports/export/json/", MARCH).content)
    line = next(i for i in data["indicators"] if i["code"] == "persons_supported")
    by_province = {c["key"]: c for c in line["breakdowns"]["province"]}
    assert by_province[w.qn.pk]["value"] == qn_persons and by_province[w.qn.pk]["adjusted"]

    text = client.get("/reports/export/csv/", MARCH).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    hit = [r for r in rows if len(r) > 6 and r[1] == "persons_supported" and r[5] == str(w.qn)]
    assert hit and hit[0][6] == str(qn_persons)

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/reports/export/xlsx/", MARCH).content))
    sheet = next(s for s in wb.worksheets if any(c.value == str(w.qn) for c in s["A"]))
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == str(DIMENSIONS["province"].label))
    col = next(i for i, h in enumerate(header) if h and str(h).startswith("4. "))
    qn_row = next(r for r in rows if r[0] == str(w.qn))
    assert qn_row[col] == qn_persons and isinstance(qn_row[col], int)
    assert [r[0] for r in rows].count(str(w.hue)) == 1
    assert rows[-1][0] == "Tổng" and header[col + 1] == "Ký hiệu"
    assert sheet.freeze_panes == f"B{rows.index(header) + 2}"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows

    pdf = client.get("/reports/export/pdf/", MARCH)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is needed (make browser installs it)"
    text = subprocess.run(  # noqa: S603 (our own export, a fixed tool)
        [pdftotext, "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    qn_line = next(line for line in text.splitlines() if line.strip().startswith(str(w.qn)))
    assert str(qn_persons) in qn_line.split()
    assert str(w.hue) in text


def test_a_province_report_of_the_national_manager_has_the_province_tables(areas, as_user):
    w = areas
    html = (
        as_user(w.nat_manager)
        .get("/reports/", {**MARCH, "province": w.hue.pk, "breakdowns": "1"})
        .content.decode()
    )
    assert 'data-breakdown="province"' not in html
    communes = _table(html, "commune")
    assert f'data-key="{w.thuan_hoa.pk}"' in communes
    assert f'data-key="{w.ha_long.pk}"' not in communes


def test_a_row_there_only_because_something_was_counted_never_shows_0(world):
    """Clients with no commune recorded (province only) make a "not recorded" row. In a
    manager's report it is shown only when its published figure is not 0: shown as 0
    it would tell a hidden 1 to 4 from a true 0 (which has no such row)."""
    w = world
    seen_exact = []
    for month, n in ((1, 1), (2, 2), (3, 3), (4, 4), (5, 2), (6, 1), (7, 3), (8, 4)):
        people = make_clients(n, group=w.group, registered_by=w.peer, province=w.qn)
        deliveries(
            [(c, "hiv_test", w.clinic, date(2024, month, 5)) for c in people],
            recorded_by=w.provider,
        )
        period = parse_period(f"2024-{month:02d}")
        exact = build_report(queries.report_context(w.coordinator, period=period))
        cells = {bc.key: bc.cell for bc in exact.line("persons_supported").breakdowns["commune"]}
        seen_exact.append(cells[None].value == n)
        managed = build_report(queries.report_context(w.prov_manager, period=period))
        for line in managed.lines:
            for bc in line.breakdowns.get("commune", []):
                if bc.key is None:
                    assert bc.cell.value != 0, (month, line.indicator.code)
        # The standing rows are there whatever was counted.
        keys = {bc.key for bc in managed.line("persons_supported").breakdowns["commune"]}
        assert {w.ha_long.pk, w.cam_pha.pk} <= keys
    assert all(seen_exact)


def test_the_commune_table_costs_the_same_however_many_communes(areas, as_user):
    w = areas
    client = as_user(w.prov_manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/reports/breakdown/commune/", MARCH)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request of a session writes its last-seen time; not counted
    before = count()
    for i in range(6):
        commune = Commune.objects.create(
            code=f"0700{i}", name=f"Xã Thử {i}", division_type="xã", province=w.qn, search_name="x"
        )
        people = make_clients(5, group=w.group, commune=commune, registered_by=w.peer)
        deliveries(
            [(c, "hiv_test", w.clinic, date(2024, 3, 9)) for c in people], recorded_by=w.provider
        )
    assert count() == before
