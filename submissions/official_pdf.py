"""The official document as a PDF (reportlab), in a serif with every Vietnamese glyph."""

from __future__ import annotations

from typing import Any

from reports.export_pdf import pdf_bytes

from .models import ReportVersion
from .official import MOTTO, NATIONAL_TITLE, Document, _paragraphs, build_document

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


def _pdf_styles(f: dict[str, str]) -> dict[str, Any]:
    """The paragraph styles of the document, by name, in the serif fonts `f`."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm

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
    agency = ParagraphStyle("agency", parent=center, fontSize=11.5, leading=14)
    agency_bold = ParagraphStyle("agencyb", parent=agency, fontName=f["bold"])
    return {
        "body": body,
        "center": center,
        "center_bold": center_bold,
        "motto": motto,
        "italic_c": italic_c,
        "title": title,
        "summary": summary,
        "heading": heading,
        "cell": cell,
        "cell_r": cell_r,
        "cell_c": cell_c,
        "cell_h": cell_h,
        "small": small,
        "recipients_h": recipients_h,
        "agency": agency,
        "agency_bold": agency_bold,
    }


def _pdf_header(d: Document, st: dict[str, Any], left_w: float, right_w: float) -> Any:
    """The agencies and number on the left, the national title, motto and date on the right."""
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable, Paragraph, Spacer, Table, TableStyle

    left = [
        Paragraph(_esc(d.parent_agency), st["agency"]) if d.parent_agency else Spacer(1, 1),
        Paragraph(_esc(d.issuing_agency), st["agency_bold"]),
        HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
        Paragraph(_esc(d.number), st["center"]),
    ]
    right = [
        Paragraph(NATIONAL_TITLE, st["center_bold"]),
        Paragraph(MOTTO, st["motto"]),
        HRFlowable(width="62%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4),
        Paragraph(_esc(d.place_date), st["italic_c"]),
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
    return header


def _pdf_indicators(d: Document, st: dict[str, Any], width: float) -> list[Any]:
    """The indicator table (its heading row repeated on every page) and the figures' note."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    cell, cell_c, cell_h = st["cell"], st["cell_c"], st["cell_h"]
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
                Paragraph(_esc(row.text), st["cell_r"]),
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
    return [
        Paragraph("Số liệu chỉ tiêu:", st["heading"]),
        table,
        Spacer(1, 3),
        Paragraph(_esc(d.figures_note), st["small"]),
    ]


def _pdf_foot(d: Document, st: dict[str, Any], left_w: float, right_w: float) -> Any:
    """ "Nơi nhận" and the recipients on the left, the signer's block on the right."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    recipients = [Paragraph("Nơi nhận:", st["recipients_h"])] + [
        Paragraph(_esc(r), st["small"]) for r in d.recipients
    ]
    signer = [
        Paragraph(_esc(d.signer_position) or "&nbsp;", st["center_bold"]),
        Paragraph(
            "(Ký, ghi rõ họ tên, đóng dấu)",
            ParagraphStyle("sig", parent=st["italic_c"], fontSize=11),
        ),
        Spacer(1, 24 * mm),
        Paragraph(_esc(d.signer_name) or "&nbsp;", st["center_bold"]),
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
    return foot


def to_pdf(version: ReportVersion) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        HRFlowable,
        KeepTogether,
        Paragraph,
        Spacer,
    )

    d = build_document(version)
    f = _serif_fonts()
    st = _pdf_styles(f)
    width = A4[0] - 30 * mm - 20 * mm
    left_w, right_w = width * 0.42, width * 0.58
    story: list[Any] = [
        _pdf_header(d, st, left_w, right_w),
        Paragraph(d.title, st["title"]),
        Paragraph(_esc(d.summary), st["summary"]),
        HRFlowable(width="25%", thickness=0.6, color=colors.black, spaceBefore=2, spaceAfter=8),
    ]
    for index, (section_title, text) in enumerate(d.sections):
        story.append(Paragraph(_esc(section_title), st["heading"]))
        story += [Paragraph(_esc(p), st["body"]) for p in _paragraphs(text)]
        if index == 0:
            story += _pdf_indicators(d, st, width)
    story += [Spacer(1, 10), KeepTogether([_pdf_foot(d, st, left_w, right_w)])]

    return pdf_bytes(
        story,
        pagesize=A4,
        margins_mm=(30, 20, 20, 20),
        canvasmaker=numbered_canvas(f["regular"]),
        title=f"{d.title} {d.summary}",
        author=d.issuing_agency,
    )
