"""The submitted report as an official document: PDF, Word (docx) and Excel.

Built from a frozen `ReportVersion` only (its figures JSON and narrative), never from
live figures: the document is what was submitted. The layout follows Decree
30/2020/NĐ-CP (Appendix I, administrative documents):

- top left: the governing agency (capitals), the issuing agency (bold capitals), a rule,
  the number and symbol ("Số: 15/BC-CCPCTNXH");
- top right: the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto "Độc lập -
  Tự do - Hạnh phúc" (bold, ruled), then place and date in italics;
- the document kind "BÁO CÁO" and its summary line, centred and bold;
- the body: results with the indicator table (each indicator named once), difficulties,
  recommendations;
- bottom: "Nơi nhận:" with the recipients on the left, the signer's position, a space to
  sign and the name on the right;
- "Trang x/y" on every page.

The document text is Vietnamese whatever the user's language: these are Vietnamese
administrative documents, whose wording the decree fixes."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import override

from reports.report import format_number

from . import queries
from .models import Level, ReportVersion

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SECTIONS = (
    ("results", "I. KẾT QUẢ THỰC HIỆN"),
    ("difficulties", "II. KHÓ KHĂN, VƯỚNG MẮC"),
    ("recommendations", "III. KIẾN NGHỊ, ĐỀ XUẤT"),
)
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Row:
    number: str
    label: str
    unit: str
    value: Any
    level: int

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, int | float):
            with override("vi"):
                return format_number(self.value)
        return str(self.value)


@dataclass
class Document:
    parent_agency: str
    issuing_agency: str
    number: str
    place_date: str
    title: str
    summary: str
    rows: list[Row]
    sections: list[tuple[str, str]]
    figures_note: str
    recipients: list[str]
    signer_position: str
    signer_name: str
    file_stem: str


def _date_line(place: str, when: datetime) -> str:
    local = timezone.localtime(when)
    return f"{place or '……'}, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def file_stem(version: ReportVersion) -> str:
    """bao-cao_<unit>_<area>_<period>_v<n>: the unit, its area and the period."""
    report = version.report
    if report.level == Level.MODEL and report.support_model is not None:
        unit, area = report.support_model.name, report.support_model.province.name
    elif report.level == Level.PROVINCE and report.province is not None:
        unit, area = "bao cao tinh", report.province.name
    else:
        unit, area = "bao cao toan quoc", "viet nam"
    parts = [slugify(_ascii(unit)), slugify(_ascii(str(area))), report.period_code.lower()]
    return "_".join(["bao-cao", *parts, f"v{version.number}"])


def build_document(version: ReportVersion) -> Document:
    report = version.report
    doc = version.document or {}
    with override("vi"):
        period = queries.period_of(report)
        period_title, period_dates = period.title, period.dates
        unit = report.unit_name
    indicators = version.figures.get("indicators", [])
    rows = [
        Row(
            i["number"],
            i.get("label_vi") or i["label"],
            i.get("unit_vi") or i["unit"],
            i["value"],
            str(i["number"]).count("."),
        )
        for i in indicators
    ]
    when = timezone.localtime(version.submitted_at)
    note = (
        f"Số liệu của {unit}, kỳ {period_title} (từ {period_dates.replace(' – ', ' đến ')}), "
        f"chốt lúc {when:%H:%M} ngày {when:%d/%m/%Y} khi gửi lần thứ {version.number}; "
        "một lượt hỗ trợ là một (người, nhóm dịch vụ, cơ sở, ngày); số người không trùng lặp."
    )
    recipients = [
        line.strip() for line in (doc.get("recipients") or "").splitlines() if line.strip()
    ]
    number = doc.get("doc_number") or ""
    return Document(
        parent_agency=(doc.get("parent_agency") or "").upper(),
        issuing_agency=(doc.get("issuing_agency") or unit).upper(),
        number=f"Số: {number}" if number else "Số:        /BC-",
        place_date=_date_line(doc.get("place", ""), version.submitted_at),
        title="BÁO CÁO",
        summary=f"Kết quả thực hiện {period_title} của {unit}",
        rows=rows,
        sections=[(heading, getattr(version, field)) for field, heading in SECTIONS],
        figures_note=note,
        recipients=recipients,
        signer_position=(doc.get("signer_position") or "").upper(),
        signer_name=doc.get("signer_name") or "",
        file_stem=file_stem(version),
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()] or ["—"]


# --- PDF --------------------------------------------------------------------------

_SERIF = {
    "regular": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "bold": "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "italic": "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
    "bolditalic": "/usr/share/fonts/truetype/liberation/LiberationSerif-BoldItalic.ttf",
}
_SERIF_FALLBACK = {
    "regular": "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf",
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-Bold.ttf",
    "italic": "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-Italic.ttf",
    "bolditalic": "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-BoldItalic.ttf",
}


def _serif_fonts() -> dict[str, str]:
    """A serif with every Vietnamese glyph for the PDF: DejaVu Serif Condensed (Debian's
    fonts-dejavu-core). Liberation Serif, metric-compatible with the Times New Roman the
    decree asks for, lacks the precomposed Vietnamese letters (Ộ, Ế, Ở…) and is only the
    fallback; the Word document names Times New Roman itself."""
    from pathlib import Path

    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {style: f"CauNoiSerif-{style}" for style in _SERIF}
    if names["regular"] in pdfmetrics.getRegisteredFontNames():
        return names
    for table in (_SERIF_FALLBACK, _SERIF):
        if all(Path(p).exists() for p in table.values()):
            for style, path in table.items():
                pdfmetrics.registerFont(TTFont(names[style], path))
            addMapping(names["regular"], 0, 0, names["regular"])
            addMapping(names["regular"], 1, 0, names["bold"])
            addMapping(names["regular"], 0, 1, names["italic"])
            addMapping(names["regular"], 1, 1, names["bolditalic"])
            return names
    from reports.export_pdf import pdf_font

    font = pdf_font()
    return dict.fromkeys(_SERIF, font)


def numbered_canvas(font: str) -> Any:
    """A reportlab canvas class that writes "Trang x/y" at the foot of every page once
    the page count is known."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as rl_canvas

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 10)
                width = self._pagesize[0]
                self.drawCentredString(width / 2, 10 * mm, f"Trang {self._pageNumber}/{total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_pdf(version: ReportVersion) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        HRFlowable,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    d = build_document(version)
    f = _serif_fonts()
    base = ParagraphStyle("base", fontName=f["regular"], fontSize=13, leading=17)
    body = ParagraphStyle("body", parent=base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER, fontSize=12, leading=15)
    center_bold = ParagraphStyle("cb", parent=center, fontName=f["bold"])
    motto = ParagraphStyle("motto", parent=center_bold, fontSize=13)
    italic_c = ParagraphStyle("ic", parent=center, fontName=f["italic"], fontSize=13)
    title = ParagraphStyle("title", parent=center_bold, fontSize=14, leading=18, spaceBefore=12)
    summary = ParagraphStyle("summary", parent=center_bold, fontSize=13, leading=17)
    heading = ParagraphStyle("h", parent=base, fontName=f["bold"], spaceBefore=8, spaceAfter=4)
    cell = ParagraphStyle("cell", parent=base, fontSize=11, leading=13)
    cell_r = ParagraphStyle("cellr", parent=cell, alignment=TA_RIGHT)
    cell_c = ParagraphStyle("cellc", parent=cell, alignment=TA_CENTER)
    cell_h = ParagraphStyle("cellh", parent=cell_c, fontName=f["bold"])
    small = ParagraphStyle("small", parent=base, fontSize=11, leading=14)
    recipients_h = ParagraphStyle("rh", parent=base, fontName=f["bolditalic"], fontSize=12)

    width = A4[0] - 30 * mm - 20 * mm
    left_w, right_w = width * 0.42, width * 0.58
    agency = ParagraphStyle("agency", parent=center, fontSize=11.5, leading=14)
    agency_bold = ParagraphStyle("agencyb", parent=agency, fontName=f["bold"])
    left = [
        Paragraph(_esc(d.parent_agency), agency) if d.parent_agency else Spacer(1, 1),
        Paragraph(_esc(d.issuing_agency), agency_bold),
        HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
        Paragraph(_esc(d.number), center),
    ]
    right = [
        Paragraph(NATIONAL_TITLE, center_bold),
        Paragraph(MOTTO, motto),
        HRFlowable(width="62%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
        Paragraph(_esc(d.place_date), italic_c),
    ]
    header = Table([[left, right]], colWidths=[left_w, right_w])
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 8),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
            ]
        )
    )
    story: list[Any] = [
        header,
        Paragraph(d.title, title),
        Paragraph(_esc(d.summary), summary),
        HRFlowable(width="25%", thickness=0.6, color=colors.black, spaceBefore=2, spaceAfter=8),
    ]
    for index, (section_title, text) in enumerate(d.sections):
        story.append(Paragraph(_esc(section_title), heading))
        story += [Paragraph(_esc(p), body) for p in _paragraphs(text)]
        if index == 0:
            story.append(Paragraph("Số liệu chỉ tiêu:", heading))
            data: list[list[Any]] = [
                [
                    Paragraph("STT", cell_h),
                    Paragraph("Chỉ tiêu", cell_h),
                    Paragraph("Đơn vị tính", cell_h),
                    Paragraph("Số lượng", cell_h),
                ]
            ]
            for row in d.rows:
                indent = "&nbsp;" * 3 * row.level
                label = _esc(row.label) if row.level else f"<b>{_esc(row.label)}</b>"
                data.append(
                    [
                        Paragraph(_esc(row.number), cell_c),
                        Paragraph(indent + label, cell),
                        Paragraph(_esc(row.unit), cell_c),
                        Paragraph(_esc(row.text), cell_r),
                    ]
                )
            table = Table(
                data,
                colWidths=[16 * mm, width - 16 * mm - 28 * mm - 26 * mm, 28 * mm, 26 * mm],
                repeatRows=1,
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            story.append(table)
            story.append(Spacer(1, 3))
            story.append(Paragraph(_esc(d.figures_note), small))
    recipients = [Paragraph("Nơi nhận:", recipients_h)] + [
        Paragraph(_esc(r), small) for r in d.recipients
    ]
    signer = [
        Paragraph(_esc(d.signer_position) or "&nbsp;", center_bold),
        Paragraph(
            "(Ký, ghi rõ họ tên, đóng dấu)", ParagraphStyle("sig", parent=italic_c, fontSize=11)
        ),
        Spacer(1, 24 * mm),
        Paragraph(_esc(d.signer_name) or "&nbsp;", center_bold),
    ]
    foot = Table([[recipients, signer]], colWidths=[left_w, right_w])
    foot.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [Spacer(1, 10), KeepTogether([foot])]

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{d.title} {d.summary}",
        author=d.issuing_agency,
    )
    doc.build(story, canvasmaker=numbered_canvas(f["regular"]))
    return out.getvalue()


# --- Word -------------------------------------------------------------------------


def _docx_page_field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def to_docx(version: ReportVersion) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    d = build_document(version)
    word = WordDocument()
    section = word.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    style = word.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    word.core_properties.title = f"{d.title} {d.summary}"
    word.core_properties.author = d.issuing_agency

    def para(
        cell_or_doc: Any,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: int = 13,
        align: Any = WD_ALIGN_PARAGRAPH.CENTER,
        first: bool = False,
    ) -> Any:
        p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        return p

    header = word.add_table(rows=1, cols=2)
    _no_borders(header)
    left, right = header.rows[0].cells
    left.width, right.width = Mm(68), Mm(92)
    para(left, d.parent_agency, size=12, first=True)
    para(left, d.issuing_agency, bold=True, size=12)
    para(left, "―――――", size=8)
    para(left, d.number, size=13)
    para(right, NATIONAL_TITLE, bold=True, size=12, first=True)
    para(right, MOTTO, bold=True, size=13)
    para(right, "――――――――――――", size=8)
    para(right, d.place_date, italic=True, size=13)

    para(word, "", size=6)
    para(word, d.title, bold=True, size=14)
    para(word, d.summary, bold=True, size=13)
    para(word, "―――――", size=8)
    for index, (section_title, text) in enumerate(d.sections):
        para(word, section_title, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for paragraph_text in _paragraphs(text):
            p = para(word, paragraph_text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            p.paragraph_format.first_line_indent = Mm(10)
        if index == 0:
            para(word, "Số liệu chỉ tiêu:", bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
            table = word.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, text_ in zip(
                table.rows[0].cells, ("STT", "Chỉ tiêu", "Đơn vị tính", "Số lượng"), strict=True
            ):
                para(cell, text_, bold=True, size=11, first=True)
            # The heading row repeats on every page.
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn

            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            tr_pr.append(repeat)
            for row in d.rows:
                cells = table.add_row().cells
                para(cells[0], row.number, size=11, first=True)
                label = para(
                    cells[1],
                    row.label,
                    bold=row.level == 0,
                    size=11,
                    first=True,
                    align=WD_ALIGN_PARAGRAPH.LEFT,
                )
                label.paragraph_format.left_indent = Mm(4 * row.level)
                para(cells[2], row.unit, size=11, first=True)
                para(cells[3], row.text, size=11, first=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
            for row_ in table.rows:
                for cell, w in zip(row_.cells, (Mm(12), Mm(100), Mm(24), Mm(24)), strict=True):
                    cell.width = w
            para(word, d.figures_note, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)

    para(word, "", size=6)
    foot = word.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    left.width, right.width = Mm(68), Mm(92)
    para(
        left,
        "Nơi nhận:",
        bold=True,
        italic=True,
        size=12,
        first=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    for recipient in d.recipients:
        para(left, recipient, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    para(right, d.signer_position, bold=True, size=13, first=True)
    para(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=11)
    for _ in range(4):
        para(right, "", size=13)
    para(right, d.signer_name, bold=True, size=13)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Trang ")
    _docx_page_field(footer, "PAGE")
    footer.add_run("/")
    _docx_page_field(footer, "NUMPAGES")

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- Excel ------------------------------------------------------------------------


def to_xlsx(version: ReportVersion) -> bytes:
    """The figures of the version: numbers as numbers, the heading rows frozen and
    repeated on every printed page, the print area set, A4 portrait fitted to width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    d = build_document(version)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Bao cao"
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=12)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([d.issuing_agency, None, NATIONAL_TITLE])
    ws.append([d.number, None, MOTTO])
    ws.append([None, None, d.place_date])
    ws.append([f"{d.title}: {d.summary}"])
    ws.append(["STT", "Chỉ tiêu", "Đơn vị tính", "Số lượng"])
    header_row = ws.max_row
    for row in d.rows:
        value = row.value if isinstance(row.value, int | float) else None
        ws.append([row.number, ("   " * row.level) + row.label, row.unit, value])
        if value is None:
            ws.cell(ws.max_row, 4).value = row.text
    last = ws.max_row
    for r in range(1, header_row):
        for c in range(1, 5):
            ws.cell(r, c).font = (
                bold if r != 3 else Font(name="Times New Roman", italic=True, size=12)
            )
    for r in range(header_row, last + 1):
        for c in range(1, 5):
            cell = ws.cell(r, c)
            cell.border = box
            cell.font = bold if r == header_row else normal
            if c == 4 and r > header_row:
                cell.number_format = "#,##0"
            if c == 2:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=4)
    ws.cell(4, 1).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.row_dimensions[4].height = 34
    ws.append([])
    ws.append([d.figures_note])
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 62
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 14
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:D{ws.max_row}"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.oddFooter.center.text = "Trang &P/&N"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(version: ReportVersion, fmt: str) -> bytes:
    if fmt == "pdf":
        return to_pdf(version)
    if fmt == "docx":
        return to_docx(version)
    if fmt == "xlsx":
        return to_xlsx(version)
    raise ValueError(fmt)
