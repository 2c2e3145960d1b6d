"""The by-province and by-model tables as files."""

from __future__ import annotations

import io

from audit.models import AuditEntry
from reports.perturbation import reach
from submissions.tests.test_dhis2_push import approved  # noqa: F401 (fixture)


def test_the_national_manager_downloads_the_by_province_table(approved, world, as_user):  # noqa: F811
    from openpyxl import load_workbook

    nat = as_user(world.nat_manager)
    response = nat.get("/submissions/table/provinces.xlsx", {"period": "2024-Q1"})
    assert response.status_code == 200
    assert 'filename="bang-theo-tinh_toan-quoc_2024-q1.xlsx"' in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$2:$3"
    names = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)]
    assert "Tỉnh Quảng Ninh" in names and "Thành phố Huế" in names
    qn = names.index("Tỉnh Quảng Ninh") + 4
    headings = [ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
    col = next(i for i, h in enumerate(headings, 1) if h and h.startswith("5. "))
    # Submitted exact; live is the national manager's own report, adjusted (at most reach(9) off).
    assert ws.cell(qn, col).value == 9 and abs(ws.cell(qn, col + 1).value - 9) <= reach(9)
    assert ws.cell(ws.max_row, col).value == 9  # the approved sum
    for fmt in ("csv", "pdf"):
        r = nat.get(f"/submissions/table/provinces.{fmt}", {"period": "2024-Q1"})
        assert r.status_code == 200 and len(r.content) > 100
    assert AuditEntry.objects.filter(object_type="submissions.table").count() == 3


def test_the_by_province_table_is_for_national_managers_only(world, as_user):
    for name in ("prov_manager", "coordinator", "peer"):
        r = as_user(getattr(world, name)).get(
            "/submissions/table/provinces.xlsx", {"period": "2024-Q1"}
        )
        assert r.status_code == 404


def test_the_provincial_manager_downloads_the_by_model_table_of_their_province(world, as_user):
    prov = as_user(world.prov_manager)
    r = prov.get("/submissions/table/models.csv", {"period": "2024-Q1", "province": "22"})
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    assert world.model.name in text and world.other_model.name in text
    assert world.hue_model.name not in text
    assert "tinh-quang-ninh_2024-q1.csv" in r["Content-Disposition"]
    assert (
        prov.get(
            "/submissions/table/models.csv", {"period": "2024-Q1", "province": "46"}
        ).status_code
        == 404
    )
    pdf = prov.get("/submissions/table/models.pdf", {"period": "2024-Q1", "province": "22"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The models' submitted figures go to their province, not to the ministry.
    nat = as_user(world.nat_manager)
    for code in ("22", "46"):
        r = nat.get("/submissions/table/models.pdf", {"period": "2024-Q1", "province": code})
        assert r.status_code == 404
