"""The submitted report as an official document (Decree 30/2020/NĐ-CP layout)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date

import pytest

from audit.models import AuditEntry
from reports.tests.conftest import deliveries, make_clients
from submissions import official, official_docx, official_pdf, official_xlsx
from submissions.models import Level, PeriodicReport
from submissions.queries import reporting_period
from submissions.services import report_prepare, report_save_narrative, report_submit

DOC = {
    "parent_agency": "Sở Y tế tỉnh Quảng Ninh",
    "issuing_agency": "Chi cục Phòng, chống tệ nạn xã hội",
    "doc_number": "15/BC-CCPCTNXH",
    "place": "Quảng Ninh",
    "recipients": "- Cục Phòng, chống tệ nạn xã hội;\n- Sở Y tế;\n- Lưu: VT.",
    "signer_position": "Chi cục trưởng",
    "signer_name": "Nguyễn Văn An",
}


@pytest.fixture
def version(world):
    clients = make_clients(7, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries(
        [(c, "gyn_exam", world.clinic, date(2024, 2, 10)) for c in clients],
        recorded_by=world.provider,
    )
    report = report_prepare(
        actor=world.coordinator,
        level=Level.MODEL,
        unit=world.model,
        period=reporting_period("Quý I/2024"),
    )
    report_save_narrative(
        actor=world.coordinator,
        report=report,
        results="Nhóm đã tiếp cận và hỗ trợ chị em trong quý.",
        difficulties="Kinh phí hạn chế.",
        recommendations="Bổ sung vật phẩm.",
        **DOC,
    )
    return report_submit(actor=world.coordinator, report=report)


def _pdf_text(body: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is needed (make browser installs it)"
    path = tmp_path / "r.pdf"
    path.write_bytes(body)
    return subprocess.run(  # noqa: S603 (our own file, a fixed tool)
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_pdf_has_the_decree_30_heading_and_page_numbers(version, tmp_path):
    body = official_pdf.to_pdf(version)
    text = _pdf_text(body, tmp_path)
    # The two heading columns sit side by side: read each line's cells apart.
    flat = " ".join(text.split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ Y TẾ TỈNH QUẢNG NINH",
        "CHI CỤC PHÒNG, CHỐNG",
        "Số: 15/BC-CCPCTNXH",
        "Quảng Ninh, ngày",
        "BÁO CÁO",
        "Quý I/2024",
        "Nơi nhận:",
        "CHI CỤC TRƯỞNG",
        "Nguyễn Văn An",
        "I. KẾT QUẢ THỰC HIỆN",
        "II. KHÓ KHĂN, VƯỚNG MẮC",
        "III. KIẾN NGHỊ, ĐỀ XUẤT",
    ):
        assert expected in flat, expected
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert 1 <= len(pages) <= 6
    for n, page in enumerate(pages, 1):
        assert f"Trang {n}/{len(pages)}" in page


def test_the_pdf_names_each_indicator_once(version, tmp_path):
    text = _pdf_text(official_pdf.to_pdf(version), tmp_path).replace("\n", " ")
    labels = [row.label for row in official.build_document(version).rows]
    assert len(labels) == len(set(labels))
    short = [label for label in labels if len(label) < 35]
    for label in short:
        assert " ".join(text.split()).count(label) >= 1, label


def test_the_word_document_is_editable_and_carries_the_layout(version):
    from docx import Document

    body = official_docx.to_docx(version)
    doc = Document(io.BytesIO(body))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    joined = "\n".join(texts)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-CCPCTNXH",
        "BÁO CÁO",
        "Nơi nhận:",
        "CHI CỤC TRƯỞNG",
        "Nguyễn Văn An",
    ):
        assert expected in joined, expected
    figures = doc.tables[1]
    assert [c.text for c in figures.rows[0].cells] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Số lượng"]
    pt = next(r for r in figures.rows if r.cells[1].text.strip() == _label(version, "pt_national"))
    assert pt.cells[3].text == "7"
    footer = zipfile.ZipFile(io.BytesIO(body)).read("word/footer1.xml").decode()
    assert "Trang " in footer and "PAGE" in footer and "NUMPAGES" in footer


def _label(version, code):
    return next(i["label_vi"] for i in version.figures["indicators"] if i["code"] == code)


def test_the_excel_has_numbers_frozen_headings_and_print_titles(version):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(official_xlsx.to_xlsx(version)))
    ws = wb.active
    assert ws.freeze_panes == "A6"
    assert ws.print_title_rows == "$5:$5"
    assert ws.print_area
    values = {
        ws.cell(r, 2).value.strip(): ws.cell(r, 4).value
        for r in range(6, ws.max_row + 1)
        if ws.cell(r, 2).value
    }
    assert values[_label(version, "pt_national")] == 7
    assert isinstance(values[_label(version, "pt_national")], int)


def test_the_file_name_says_unit_area_and_period(version):
    assert official.file_stem(version) == (
        "bao-cao_mo-hinh-nhom-dong-dang-ha-long_tinh-quang-ninh_2024-q1_v1"
    )


def test_the_download_is_audited_and_scoped(version, world, as_user):
    url = f"/submissions/{version.report.public_id}/v1.pdf"
    response = as_user(world.prov_manager).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "tinh-quang-ninh_2024-q1_v1.pdf" in response["Content-Disposition"]
    assert (
        AuditEntry.objects.filter(action="export", object_type="submissions.periodicreport").count()
        == 1
    )
    for name in ("prov_manager_other", "coordinator_other", "peer"):
        assert as_user(getattr(world, name)).get(url).status_code == 404
    assert (
        as_user(world.coordinator)
        .get(f"/submissions/{version.report.public_id}/v2.pdf")
        .status_code
        == 404
    )
    assert (
        as_user(world.coordinator)
        .get(f"/submissions/{version.report.public_id}/v1.exe")
        .status_code
        == 404
    )
    docx = as_user(world.coordinator).get(f"/submissions/{version.report.public_id}/v1.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")


def test_the_figures_in_the_document_are_the_frozen_ones(version, world):
    more = make_clients(3, group=world.group, commune=world.ha_long, registered_by=world.peer)
    deliveries(
        [(c, "gyn_exam", world.clinic, date(2024, 3, 1)) for c in more], recorded_by=world.provider
    )
    version.refresh_from_db()
    row = next(
        r
        for r in official.build_document(version).rows
        if r.label == _label(version, "pt_national")
    )
    assert row.value == 7
    assert PeriodicReport.objects.get().versions.count() == 1
